package dev.sparkd.models.operation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One unit of work the model-manager does (a pull, an update, a prune, a swap), with its live progress and the events
 * that explain it. Mutated by one worker, read by the API at any time: every accessor works on a consistent snapshot.
 */
public final class Operation {
    /** Where an operation stands. */
    public enum State { RUNNING, SUCCEEDED, FAILED, REFUSED, ROLLED_BACK;
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One thing that happened, in order. */
    public record Event(Instant at, String message) {
    }

    /** One launch attempt of a swap (the new model, then possibly the rollback). */
    public record Attempt(String model, String role, String outcome, String reason, List<String> logTail) {
    }

    private final String id;
    private final String kind;
    private final String service;
    private final String subject;
    private final Instant startedAt;
    private final OperationListener listener;
    private State state = State.RUNNING;
    private Instant finishedAt;
    private String error;
    private long bytesDone;
    private long bytesTotal;
    private double rate;
    private long lastBytes;
    private long lastNanos = System.nanoTime();
    private final Map<String, long[]> layers = new HashMap<>();
    private final List<Event> events = new ArrayList<>();
    private final List<Attempt> attempts = new ArrayList<>();

    Operation(String kind, String service, String subject, OperationListener listener) {
        this.id = UUID.randomUUID().toString();
        this.kind = kind;
        this.service = service;
        this.subject = subject;
        this.startedAt = Instant.now();
        this.listener = listener;
    }

    public String id() {
        return id;
    }

    public String kind() {
        return kind;
    }

    public String service() {
        return service;
    }

    public String subject() {
        return subject;
    }

    public synchronized State state() {
        return state;
    }

    public synchronized String error() {
        return error;
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    public synchronized long bytesDone() {
        return bytesDone;
    }

    public synchronized long bytesTotal() {
        return bytesTotal;
    }

    /** Records an event (also written to the database by the listener). */
    public void event(String message) {
        Event e;
        synchronized (this) {
            e = new Event(Instant.now(), message);
            events.add(e);
        }
        listener.event(this, e);
    }

    public void attempt(Attempt a) {
        synchronized (this) {
            attempts.add(a);
        }
        event(a.role() + " " + a.model() + ": " + a.outcome() + (a.reason() == null ? "" : " — " + a.reason()));
    }

    /** Expected size when known before the first byte (registry manifest). */
    public synchronized void expectBytes(long total) {
        bytesTotal = Math.max(bytesTotal, total);
    }

    /** A pull progress line: per-layer counts, summed; rate as a moving average. */
    public void layerProgress(String digest, long total, long completed) {
        long delta;
        synchronized (this) {
            long[] l = layers.computeIfAbsent(digest, d -> new long[2]);
            l[0] = total;
            l[1] = Math.max(l[1], completed);
            long done = 0;
            long sum = 0;
            for (long[] v : layers.values()) {
                sum += v[0];
                done += v[1];
            }
            bytesDone = done;
            bytesTotal = Math.max(bytesTotal, sum);
            long now = System.nanoTime();
            double seconds = (now - lastNanos) / 1e9;
            delta = done - lastBytes;
            if (seconds >= 0.25) {
                double instant = Math.max(0, delta) / seconds;
                rate = rate == 0 ? instant : rate * 0.7 + instant * 0.3;
                lastNanos = now;
                lastBytes = done;
            }
        }
        listener.progress(this, Math.max(0, delta));
    }

    public void finish(State outcome, String errorText) {
        synchronized (this) {
            if (state != State.RUNNING) {
                return;
            }
            state = outcome;
            error = errorText;
            finishedAt = Instant.now();
            rate = 0;
        }
        event(outcome.label() + (errorText == null ? "" : ": " + errorText));
        listener.finished(this);
    }

    /** What {@code GET /api/v1/operations/{id}} answers. */
    public synchronized OperationView view() {
        Long eta = null;
        if (state == State.RUNNING && rate > 0 && bytesTotal > bytesDone) {
            eta = (long) Math.ceil((bytesTotal - bytesDone) / rate);
        }
        Duration took = Duration.between(startedAt, finishedAt == null ? Instant.now() : finishedAt);
        return new OperationView(id, kind, service, subject, state.label(), startedAt.toString(),
                finishedAt == null ? null : finishedAt.toString(), took.toMillis() / 1000.0, bytesDone, bytesTotal,
                Math.round(rate), eta, error, List.copyOf(attempts), List.copyOf(events));
    }

    /** Receives what happens to operations (database, metrics, terminal). */
    public interface OperationListener {
        default void started(Operation op) {
        }

        default void event(Operation op, Event e) {
        }

        default void progress(Operation op, long newBytes) {
        }

        default void finished(Operation op) {
        }
    }
}
