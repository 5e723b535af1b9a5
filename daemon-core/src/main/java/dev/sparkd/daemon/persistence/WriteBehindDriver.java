package dev.sparkd.daemon.persistence;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.sparkd.core.queue.WriteBehindQueue;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Runs a daemon's write-behind queues: each queue's {@link WriteBehindQueue#maintain} on a background thread at the
 * queue's own interval (retries, spilling to disk, replaying the spill file), its spill on another (so memory keeps
 * moving to disk while a replay waits on a stalled database), and at shutdown a bounded drain, after
 * which whatever is left (and whatever still arrives) goes to the queue's spill file for the next start.
 */
@Singleton
public class WriteBehindDriver {
    private static final Logger LOG = Logger.getLogger(WriteBehindDriver.class);

    private record Driven(String name, WriteBehindQueue<?> queue, Duration drainLimit) {
    }

    // Two threads: a queue's maintain may wait a whole write timeout on a replay while its spill task keeps memory
    // moving to disk (WriteBehindQueue#spillIfNeeded).
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "sparkd-write-behind");
        t.setDaemon(true);
        return t;
    });
    private final List<Driven> queues = new CopyOnWriteArrayList<>();

    /**
     * Maintains {@code queue} every {@code every} from now on and drains it for up to {@code drainLimit} at shutdown.
     * A replay of the spill file may run for a few intervals (at least a second) before the next queue's turn.
     */
    public <T> WriteBehindQueue<T> drive(String name, WriteBehindQueue<T> queue, Duration every, Duration drainLimit) {
        queues.add(new Driven(name, queue, drainLimit));
        Duration budget = every.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : every;
        timer.scheduleWithFixedDelay(() -> {
            try {
                queue.maintain(budget);
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: maintaining the write-behind queue failed", name);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(queue::spillIfNeeded, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return queue;
    }

    void stop(@Observes @Priority(1) ShutdownEvent event) {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Driven d : queues) {
            if (!d.queue().drain(d.drainLimit())) {
                LOG.warnf("%s: %d entries not written before shutdown", d.name(), d.queue().counts().pending());
            }
            d.queue().shutDown();
        }
    }
}
