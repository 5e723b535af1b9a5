package dev.sparkd.daemon.retention;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import dev.sparkd.core.config.Durations;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Enforces every daemon's retention once an hour (and 30 s after start): each {@link Retained} in turn deletes what
 * is older than its cutoff. One failing delete (a database away) is logged and does not stop the others; the next
 * hour tries again.
 */
@ApplicationScoped
public class RetentionJob {
    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final List<Retained> retained;

    @Inject // two constructors: CDI needs to be told which one is its own
    public RetentionJob(Instance<Retained> retained) {
        this(retained.stream().toList());
    }

    RetentionJob(List<Retained> retained) {
        this.retained = List.copyOf(retained);
    }

    @Scheduled(every = "1h", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> hourly() {
        return enforce(Instant.now()).replaceWithVoid();
    }

    /** One round at {@code now}; answers the rows deleted in all. */
    public Uni<Long> enforce(Instant now) {
        return Multi.createFrom().iterable(retained).onItem().transformToUniAndConcatenate(r -> {
            Instant cutoff = r.cutoff(now);
            return r.deleteBefore(cutoff).invoke(n -> {
                if (n > 0) {
                    LOG.infof("retention: deleted %d %s from before %s (kept: %s)", n, r.what(), cutoff, Durations.format(r.keep()));
                }
            }).onFailure().recoverWithItem(e -> {
                LOG.warnf("retention: could not delete old %s: %s", r.what(), e.toString());
                return 0L;
            });
        }).collect().with(Collectors.summingLong(Long::longValue));
    }
}
