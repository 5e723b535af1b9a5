package dev.sparkd.daemon.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

/**
 * Rows a daemon keeps only for a while (incidents, the router's ledger, the MCP audit, model operations). Every bean
 * of this type is purged by {@link RetentionJob}; the bean owns the transaction of its delete. A plain age limit is
 * {@link #of}, produced by the daemon; a daemon that must keep more (the router's budget period) implements it.
 */
public interface Retained {
    /** What is deleted, for the log, e.g. {@code "ledger rows"}. */
    String what();

    /** How long rows are kept (the daemon's setting). */
    Duration keep();

    /** The oldest time still kept at {@code now}: {@code now - keep()}, unless the daemon must keep more. */
    default Instant cutoff(Instant now) {
        return now.minus(keep());
    }

    /** Deletes the rows older than {@code cutoff}; answers how many. */
    Uni<Long> deleteBefore(Instant cutoff);

    /**
     * Rows kept for {@code keep}, deleted by {@code deleteBefore}, which owns its transaction (a {@code @WithTransaction}
     * service method, or {@code Panache.withTransaction} around a repository call).
     */
    static Retained of(String what, Duration keep, Function<Instant, Uni<Long>> deleteBefore) {
        return new ByAge(what, keep, deleteBefore);
    }

    /** What {@link #of} answers. */
    record ByAge(String what, Duration keep, Function<Instant, Uni<Long>> delete) implements Retained {
        @Override
        public Uni<Long> deleteBefore(Instant cutoff) {
            return delete.apply(cutoff);
        }
    }
}
