package dev.sparkd.health.notify;

import java.time.Duration;
import java.time.Instant;

import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.fleet.ServiceStateChanged;
import dev.sparkd.health.telemetry.HostStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The daemon's notifications: state changes and telemetry rounds go through the alert policy to the channels. */
@ApplicationScoped
public class Notifier {
    private final Notifications notifications;

    public Notifier(Vertx vertx, SuiteConfig config, HealthSettings settings, MeterRegistry registry) {
        ChannelSender.Outcomes outcomes = (channel, outcome) -> Counter.builder("sparkd_health_notifications")
                .description("Notifications sent, by channel and outcome").tag("channel", channel).tag("outcome", outcome)
                .register(registry).increment();
        this.notifications = new Notifications(vertx, settings, config.suite().name(), outcomes, Duration.ofSeconds(1));
    }

    void changed(@Observes ServiceStateChanged event) {
        notifications.serviceChanged(event.status(), event.change());
    }

    void collected(@Observes HostStatus host) {
        notifications.hostChecked(host);
    }

    /** Reminders of open alerts ({@code [health.notify] repeat}, at least a minute). */
    @Scheduled(every = "1m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void remind() {
        notifications.remind(Instant.now());
    }

    @PreDestroy
    void close() {
        notifications.close();
    }
}
