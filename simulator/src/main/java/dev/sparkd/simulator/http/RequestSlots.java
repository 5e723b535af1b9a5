package dev.sparkd.simulator.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * A server's batch capacity: vLLM's {@code --max-num-seqs}, llama.cpp's {@code --parallel} slots. Requests beyond it
 * wait in FIFO order; the counts are exactly what {@code num_requests_running}/{@code num_requests_waiting}
 * (vLLM) and {@code requests_processing}/{@code requests_deferred} (llama.cpp) export.
 */
public final class RequestSlots {
    private final Vertx vertx;
    private final int capacity;
    private final Deque<Ticket> waiting = new ArrayDeque<>();
    private int running;

    public RequestSlots(Vertx vertx, int capacity) {
        this.vertx = vertx;
        this.capacity = Math.max(1, capacity);
    }

    /** A request's place: waiting, then running, then done. {@link #release()} is idempotent. */
    public final class Ticket {
        private final Consumer<Ticket> start;
        private final Context context;
        private boolean started;
        private boolean done;

        private Ticket(Consumer<Ticket> start, Context context) {
            this.start = start;
            this.context = context;
        }

        /** Frees the slot (or leaves the queue) for good; call when the request ends in any way. */
        public void release() {
            Ticket nextTicket = null;
            synchronized (RequestSlots.this) {
                if (done) {
                    return;
                }
                done = true;
                if (!started) {
                    waiting.remove(this);
                    return;
                }
                running--;
                if (!waiting.isEmpty()) {
                    nextTicket = waiting.removeFirst();
                    nextTicket.started = true;
                    running++;
                }
            }
            if (nextTicket != null) {
                Ticket t = nextTicket;
                t.context.runOnContext(v -> t.start.accept(t));
            }
        }

        public boolean started() {
            synchronized (RequestSlots.this) {
                return started;
            }
        }
    }

    /**
     * Queues a request; {@code start} gets the request's ticket and runs on the caller's Vert.x context once a slot is
     * free (maybe at once, before this method returns).
     */
    public Ticket acquire(Consumer<Ticket> start) {
        Ticket t = new Ticket(start, vertx.getOrCreateContext());
        boolean now;
        synchronized (this) {
            now = running < capacity;
            if (now) {
                running++;
                t.started = true;
            } else {
                waiting.addLast(t);
            }
        }
        if (now) {
            start.accept(t);
        }
        return t;
    }

    public synchronized int running() {
        return running;
    }

    public synchronized int waiting() {
        return waiting.size();
    }

    public int capacity() {
        return capacity;
    }
}
