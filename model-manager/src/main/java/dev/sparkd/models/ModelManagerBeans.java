package dev.sparkd.models;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sparkd.models.engine.Backends;
import dev.sparkd.models.engine.ModelManager;
import dev.sparkd.models.engine.Tuning;
import dev.sparkd.models.operation.Operations;
import dev.sparkd.models.persistence.OperationRecorder;
import dev.sparkd.models.persistence.PgActiveStore;
import dev.sparkd.models.persistence.PgSwapLock;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.ssh.SshRunner;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The daemon's wiring: one {@link ModelManager} over the shared clients, operations recorded in PostgreSQL and
 * metrics, swaps locked through the database, and a reconcile every {@code [models] reconcile_interval} on its own
 * worker thread (a run still going skips the next tick).
 */
@ApplicationScoped
public class ModelManagerBeans {
    private final SshRunner ssh = new SshRunner();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sparkd-model-manager");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean reconciling = new AtomicBoolean();
    private final ModelManager manager;
    private final ModelsMetrics metrics;
    private final Vertx vertx;
    private final Backends backends;

    public ModelManagerBeans(SuiteConfig config, Vertx vertx, OperationRecorder recorder, PgSwapLock swapLock, PgActiveStore activeStore,
            MeterRegistry registry) {
        this.vertx = vertx;
        this.backends = new Backends(config, vertx, ssh, Tuning.production());
        Operations operations = new Operations();
        operations.addListener(recorder);
        this.manager = new ModelManager(backends, operations, null, swapLock, activeStore);
        this.metrics = new ModelsMetrics(registry, manager);
        operations.addListener(metrics);
    }

    public ModelManager manager() {
        return manager;
    }

    public ModelsMetrics metrics() {
        return metrics;
    }

    public ExecutorService workers() {
        return workers;
    }

    void onStart(@Observes StartupEvent ev) {
        long every = backends.settings().reconcileInterval().toMillis();
        vertx.setTimer(5_000, id -> triggerReconcile());
        vertx.setPeriodic(every, id -> triggerReconcile());
    }

    /** Starts a reconcile on a worker unless one is running; returns whether it started. */
    public boolean triggerReconcile() {
        if (!reconciling.compareAndSet(false, true)) {
            return false;
        }
        workers.execute(() -> {
            try {
                ModelManager.Outcome o = manager.reconcile(false, true);
                metrics.planned(manager.plan(false));
                Log.infof("reconcile: %s (%d operation(s))", o.converged() ? "converged" : "not converged", o.operations().size());
            } catch (RuntimeException e) {
                Log.warnf("reconcile failed: %s", e.getMessage());
            } finally {
                reconciling.set(false);
            }
        });
        return true;
    }

    void onStop(@Observes ShutdownEvent ev) {
        workers.shutdownNow();
        backends.close();
        ssh.close();
    }
}
