package dev.sparkd.health.notify;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.state.StateMachine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Posts each change of a service's state to {@code [health.webhook] url}: sparkd's JSON, an ntfy message (title,
 * priority and tags headers), or a Matrix {@code m.room.message} (PUT with a transaction id, the URL ending in
 * {@code /send/m.room.message}). Retries with exponential back-off (1 s, 2 s, 4 s …); never blocks a probe.
 */
public final class Webhook implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Webhook.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Counts deliveries by outcome ({@code delivered}, {@code failed}). */
    public interface Outcomes {
        void record(String outcome);
    }

    private final Vertx vertx;
    private final HealthSettings.Webhook settings;
    private final HttpClient client;
    private final Outcomes outcomes;
    private final Duration firstBackoff;

    public Webhook(Vertx vertx, HealthSettings.Webhook settings, Outcomes outcomes, Duration firstBackoff) {
        this.vertx = vertx;
        this.settings = settings;
        this.outcomes = outcomes;
        this.firstBackoff = firstBackoff;
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
    }

    public void changed(ServiceStatus s, StateMachine.Change change) {
        if (!change.stateChanged() || change.from().isEmpty() && change.to().available()) {
            return; // the first UP after start is not news
        }
        String from = change.from().map(Enum::name).orElse("UNKNOWN");
        String text = s.name() + " is " + change.to() + (change.reason() == null ? "" : ": " + change.reason()) + " (was " + from + ")";
        Message m = switch (settings.format()) {
            case "ntfy" -> new Message(HttpMethod.POST, settings.url(), "text/plain", text,
                    new String[] {"Title", "sparkd: " + s.name() + " " + change.to(), "Priority", change.to().available() ? "default" : "high",
                            "Tags", change.to().available() ? "white_check_mark" : "warning"});
            case "matrix" -> {
                ObjectNode body = JSON.createObjectNode().put("msgtype", "m.text").put("body", text);
                URI u = URI.create(settings.url().toString().replaceAll("/+$", "") + "/" + UUID.randomUUID());
                yield new Message(HttpMethod.PUT, u, "application/json", body.toString(), new String[0]);
            }
            default -> {
                ObjectNode body = JSON.createObjectNode().put("service", s.name()).put("kind", s.kind()).put("host", s.host())
                        .put("from", from).put("to", change.to().name()).put("reason", change.reason()).put("at", change.at().toString());
                yield new Message(HttpMethod.POST, settings.url(), "application/json", body.toString(), new String[0]);
            }
        };
        send(m, 0);
    }

    private record Message(HttpMethod method, URI url, String contentType, String body, String[] headers) {
    }

    private void send(Message m, int attempt) {
        boolean ssl = "https".equals(m.url().getScheme());
        RequestOptions o = new RequestOptions().setMethod(m.method()).setHost(m.url().getHost())
                .setPort(m.url().getPort() > 0 ? m.url().getPort() : ssl ? 443 : 80).setSsl(ssl)
                .setURI(m.url().getRawPath() + (m.url().getRawQuery() == null ? "" : "?" + m.url().getRawQuery()))
                .setIdleTimeout(10_000).putHeader("Content-Type", m.contentType());
        for (int i = 0; i + 1 < m.headers().length; i += 2) {
            o.putHeader(m.headers()[i], m.headers()[i + 1]);
        }
        settings.token().ifPresent(t -> {
            try {
                o.putHeader("Authorization", "Bearer " + t.resolve());
            } catch (IllegalStateException e) {
                LOG.warnf("webhook token unavailable: %s", e.getMessage());
            }
        });
        client.request(o).compose(req -> req.send(Buffer.buffer(m.body()))).compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result() < 300) {
                        outcomes.record("delivered");
                        return;
                    }
                    String why = ar.succeeded() ? "HTTP " + ar.result() : ar.cause().getClass().getSimpleName();
                    if (attempt < settings.retries()) {
                        // A one-off delay before a retry, not a schedule: a Vert.x timer, not a scheduler job.
                        vertx.setTimer(firstBackoff.toMillis() << attempt, id -> send(m, attempt + 1));
                    } else {
                        outcomes.record("failed");
                        LOG.warnf("webhook %s://%s%s gave up after %d attempt(s): %s", m.url().getScheme(), m.url().getHost(),
                                m.url().getPort() > 0 ? ":" + m.url().getPort() : "", attempt + 1, why);
                    }
                });
    }

    @Override
    public void close() {
        client.close();
    }
}
