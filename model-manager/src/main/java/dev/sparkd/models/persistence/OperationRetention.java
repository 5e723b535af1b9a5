package dev.sparkd.models.persistence;

import java.time.Duration;
import java.time.Instant;

import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.retention.Retained;
import dev.sparkd.models.config.ModelsSettings;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code [models] operations_retention}: finished operations (and their events) older than that go. */
@ApplicationScoped
public class OperationRetention implements Retained {
    private final OperationRepository operations;
    private final ModelsSettings settings;

    public OperationRetention(OperationRepository operations, SuiteConfig config) {
        this.operations = operations;
        this.settings = config.section(ModelsSettings.class);
    }

    @Override
    public String what() {
        return "finished operations";
    }

    @Override
    public Duration keep() {
        return settings.operationsRetention();
    }

    @Override
    @WithTransaction
    public Uni<Long> deleteBefore(Instant cutoff) {
        return operations.deleteFinishedBefore(cutoff);
    }
}
