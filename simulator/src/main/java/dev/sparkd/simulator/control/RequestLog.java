package dev.sparkd.simulator.control;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The last {@value #CAPACITY} requests of one service, oldest first; enough for tests to assert on traffic. */
public final class RequestLog {
    static final int CAPACITY = 2000;
    private final Deque<RequestRecord> records = new ArrayDeque<>();

    public synchronized void add(RequestRecord r) {
        if (records.size() == CAPACITY) {
            records.removeFirst();
        }
        records.addLast(r);
    }

    public synchronized List<RequestRecord> all() {
        return List.copyOf(records);
    }

    public synchronized void clear() {
        records.clear();
    }
}
