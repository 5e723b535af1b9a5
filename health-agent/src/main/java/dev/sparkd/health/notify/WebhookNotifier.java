package dev.sparkd.health.notify;

import java.time.Duration;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.fleet.ServiceStateChanged;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Posts each state change to {@code [health.webhook]} when it is set; does nothing otherwise. */
@ApplicationScoped
public class WebhookNotifier {
    private final Webhook hook;

    public WebhookNotifier(Vertx vertx, HealthSettings settings, MeterRegistry registry) {
        this.hook = settings.webhook().map(w -> new Webhook(vertx, w, outcome -> Counter.builder("sparkd_health_webhook_deliveries")
                .description("State-change notifications, by outcome").tag("outcome", outcome).register(registry).increment(),
                Duration.ofSeconds(1))).orElse(null);
    }

    void changed(@Observes ServiceStateChanged event) {
        if (hook != null) {
            hook.changed(event.status(), event.change());
        }
    }

    @PreDestroy
    void close() {
        if (hook != null) {
            hook.close();
        }
    }
}
