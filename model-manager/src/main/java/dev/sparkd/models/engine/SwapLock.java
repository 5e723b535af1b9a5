package dev.sparkd.models.engine;

import java.util.Optional;

/** One swap at a time per service, also across model-manager instances that share a database. */
public interface SwapLock {
    /** A held lock; closing releases it. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    /** The lease, or empty when another holder has it. */
    Optional<Lease> tryLock(String service);

    /** The id of the swap another instance is running, when it can be told. */
    default Optional<String> runningOperation(String service) {
        return Optional.empty();
    }

    /** Only within this process (command-line modes, tests). */
    SwapLock LOCAL = service -> Optional.of(() -> { });
}
