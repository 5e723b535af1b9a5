package dev.sparkd.models.engine;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Reconciles every {@code [models] reconcile_interval}, first 5 s after start. A Quarkus Scheduler job defined in
 * code, because the interval comes from sparkd.toml; a reconcile still running (scheduled or asked for through the
 * API) makes the tick a no-op.
 */
@ApplicationScoped
public class ReconcileSchedule {
    public static final String JOB = "models-reconcile";
    private final Scheduler scheduler;
    private final ModelsService models;
    private final Backends backends;

    public ReconcileSchedule(Scheduler scheduler, ModelsService models, Backends backends) {
        this.scheduler = scheduler;
        this.models = models;
        this.backends = backends;
    }

    void onStart(@Observes StartupEvent ev) {
        scheduler.newJob(JOB).setDescription("reconcile the declared models")
                .setInterval(backends.settings().reconcileInterval().toString()).setDelayed("5s")
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> models.startReconcile())
                .schedule();
    }
}
