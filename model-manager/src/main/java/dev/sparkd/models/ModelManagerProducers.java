package dev.sparkd.models;

import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.ssh.SshRunner;
import dev.sparkd.daemon.retention.Retained;
import dev.sparkd.models.config.ModelsSettings;
import dev.sparkd.models.engine.Tuning;
import dev.sparkd.models.persistence.OperationRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The model-manager's beans that are not classes of its own: the SSH runner (closed at shutdown), the timings and the
 * operations' retention.
 */
public class ModelManagerProducers {

    @Produces
    @Singleton
    SshRunner sshRunner() {
        return new SshRunner();
    }

    void closeSshRunner(@Disposes SshRunner ssh) {
        ssh.close();
    }

    @Produces
    @Singleton
    Tuning tuning() {
        return Tuning.production();
    }

    /** {@code [models] operations_retention}: finished operations (and their events) older than that go. */
    @Produces
    @Singleton
    Retained operationRetention(OperationRepository operations, SuiteConfig config) {
        return Retained.of("finished operations", config.section(ModelsSettings.class).operationsRetention(),
                cutoff -> Panache.withTransaction(() -> operations.deleteFinishedBefore(cutoff)));
    }
}
