package dev.sparkd.health.notify;

import java.time.Duration;

import dev.sparkd.health.HealthAgent;
import dev.sparkd.health.fleet.FleetListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Adds the webhook to the fleet when {@code [health.webhook]} is set. */
@ApplicationScoped
public class WebhookProducer {
    void onStart(@Observes StartupEvent event, HealthAgent agent, Vertx vertx, MeterRegistry registry) {
        agent.settings().webhook().ifPresent(w -> {
            FleetListener hook = new Webhook(vertx, w, outcome -> Counter.builder("sparkd_health_webhook_deliveries")
                    .description("State-change notifications, by outcome").tag("outcome", outcome).register(registry).increment(),
                    Duration.ofSeconds(1));
            agent.fleet().addListener(hook);
        });
    }
}
