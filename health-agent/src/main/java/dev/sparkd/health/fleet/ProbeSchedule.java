package dev.sparkd.health.fleet;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.telemetry.Telemetry;
import dev.sparkd.core.config.Durations;
import dev.sparkd.core.config.Host;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The daemon's schedule, on the Quarkus scheduler: one job per service probing it every interval, one per service for
 * its handshakes, one per host for telemetry. A service's first probe comes at a random point within its first
 * interval (at most {@link #MAX_FIRST_SPREAD}), so a hundred services do not fire together; a run still going when
 * the next is due is skipped, so probes of one service never overlap. The scheduler checks its jobs once a second,
 * which bounds how finely starts are spread.
 */
@ApplicationScoped
public class ProbeSchedule {
    private static final Logger LOG = Logger.getLogger(ProbeSchedule.class);
    /** First probes are spread over the interval, but never over more than this: a 5-minute cloud interval must not leave a service unknown for minutes. */
    static final Duration MAX_FIRST_SPREAD = Duration.ofSeconds(30);
    /** The first handshake waits for the first probe (it needs the served or loaded model), plus up to 2 s of spread. */
    static final Duration HANDSHAKE_AFTER_PROBE = Duration.ofSeconds(3);

    private final Scheduler scheduler;
    private final Fleet fleet;
    private final Telemetry telemetry;
    private final HealthSettings settings;

    public ProbeSchedule(Scheduler scheduler, Fleet fleet, Telemetry telemetry, HealthSettings settings) {
        this.scheduler = scheduler;
        this.fleet = fleet;
        this.telemetry = telemetry;
        this.settings = settings;
    }

    void start(@Observes StartupEvent event) {
        for (ServiceMonitor m : fleet.monitors()) {
            String name = m.def().name();
            Duration every = fleet.interval(m.def());
            Duration first = firstDelay(every);
            scheduler.newJob("probe " + name).setInterval(every.toString()).setDelayed(first.toString())
                    .setConcurrentExecution(ConcurrentExecution.SKIP)
                    .setAsyncTask(run -> m.probeOnce().onFailure().recoverWithItem(t -> {
                        LOG.warnf("probe of %s failed unexpectedly: %s", name, t.toString());
                        return null;
                    }).replaceWithVoid())
                    .schedule();
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

    /** A random point within the first interval, capped at {@link #MAX_FIRST_SPREAD}. */
    static Duration firstDelay(Duration every) {
        long spread = Math.max(1, Math.min(every.toMillis(), MAX_FIRST_SPREAD.toMillis()));
        return Duration.ofMillis(1 + ThreadLocalRandom.current().nextLong(spread));
    }
}
