package dev.sparkd.health.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.telemetry.Telemetry;
import dev.sparkd.core.config.Durations;
import dev.sparkd.core.config.Host;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The daemon's schedule: one Vert.x timer per service probing it every interval, one scheduler job per service for
 * its handshakes, one per host for telemetry. A service's first probe comes at a random millisecond within its first
 * interval (at most {@link #MAX_FIRST_SPREAD}) and then at a fixed rate, so a fleet's probes stay spread evenly over
 * the interval (the Quarkus scheduler checks its jobs once a second, which would fire a tenth of a 10 s fleet in the
 * same instant); a probe still going when the next is due is skipped, so probes of one service never overlap.
 */
@ApplicationScoped
public class ProbeSchedule {
    private static final Logger LOG = Logger.getLogger(ProbeSchedule.class);
    /** First probes are spread over the interval, but never over more than this: a 5-minute cloud interval must not leave a service unknown for minutes. */
    static final Duration MAX_FIRST_SPREAD = Duration.ofSeconds(30);
    /** The first handshake waits for the first probe (it needs the served or loaded model), plus up to 2 s of spread. */
    static final Duration HANDSHAKE_AFTER_PROBE = Duration.ofSeconds(3);

    private final Scheduler scheduler;
    private final Vertx vertx;
    private final Fleet fleet;
    private final Telemetry telemetry;
    private final HealthSettings settings;
    private final List<Long> probeTimers = new ArrayList<>();

    public ProbeSchedule(Scheduler scheduler, Vertx vertx, Fleet fleet, Telemetry telemetry, HealthSettings settings) {
        this.scheduler = scheduler;
        this.vertx = vertx;
        this.fleet = fleet;
        this.telemetry = telemetry;
        this.settings = settings;
    }

    void start(@Observes StartupEvent event) {
        for (ServiceMonitor m : fleet.monitors()) {
            String name = m.def().name();
            Duration every = fleet.interval(m.def());
            Duration first = firstDelay(every);
            probeTimers.add(vertx.setPeriodic(first.toMillis(), every.toMillis(), new ProbeRun(vertx, m)));
            if (fleet.handshakes(m)) {
                Duration afterProbe = first.plus(HANDSHAKE_AFTER_PROBE).plusMillis(ThreadLocalRandom.current().nextLong(2000));
                scheduler.newJob("handshake " + name).setInterval(settings.handshakeInterval().toString())
                        .setDelayed(afterProbe.toString()).setConcurrentExecution(ConcurrentExecution.SKIP)
                        .setAsyncTask(run -> fleet.handshake(name).onFailure().recoverWithNull())
                        .schedule();
            }
        }
        Duration offset = Duration.ofMillis(500);
        for (Host host : telemetry.hosts()) {
            scheduler.newJob("telemetry " + host.name()).setInterval(settings.hostInterval().toString())
                    .setDelayed(offset.toString()).setConcurrentExecution(ConcurrentExecution.SKIP)
                    .setAsyncTask(run -> telemetry.collect(host.name()).onFailure().recoverWithNull().replaceWithVoid())
                    .schedule();
            offset = offset.plusMillis(250);
        }
        List<String> names = fleet.statuses().stream().map(ServiceStatus::name).toList();
        LOG.infof("probing %d service(s) every %s: %s; telemetry on %d host(s)", names.size(),
                Durations.format(settings.interval()), String.join(", ", names), telemetry.hosts().size());
    }

    void stop(@Observes ShutdownEvent event) {
        probeTimers.forEach(vertx::cancelTimer);
    }

    /**
     * One timer tick of one service: the probe runs on a fresh duplicated context of the timer's event loop (as a
     * scheduler job's would), unless the previous probe is still going.
     */
    private static final class ProbeRun implements Handler<Long> {
        private final Vertx vertx;
        private final ServiceMonitor monitor;
        private final AtomicBoolean running = new AtomicBoolean();

        ProbeRun(Vertx vertx, ServiceMonitor monitor) {
            this.vertx = vertx;
            this.monitor = monitor;
        }

        @Override
        public void handle(Long timer) {
            if (!running.compareAndSet(false, true)) {
                return;
            }
            Context probeContext = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            probeContext.runOnContext(ignored -> monitor.probeOnce().subscribe().with(status -> running.set(false), t -> {
                running.set(false);
                LOG.warnf("probe of %s failed unexpectedly: %s", monitor.def().name(), t.toString());
            }));
        }
    }

    /** A random point within the first interval, capped at {@link #MAX_FIRST_SPREAD}. */
    static Duration firstDelay(Duration every) {
        long spread = Math.max(1, Math.min(every.toMillis(), MAX_FIRST_SPREAD.toMillis()));
        return Duration.ofMillis(1 + ThreadLocalRandom.current().nextLong(spread));
    }
}
