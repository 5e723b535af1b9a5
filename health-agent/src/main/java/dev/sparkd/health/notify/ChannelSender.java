package dev.sparkd.health.notify;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkd.health.config.HealthSettings.Channel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Delivers notices on one channel: a webhook (sparkd's JSON, or the channel's template), ntfy's publish API, or a
 * Matrix {@code m.room.message}. Retries with exponential back-off (1 s, 2 s, 4 s …) on an error or a non-2xx answer;
 * a retry repeats the same request (Matrix: the same transaction id, so the homeserver keeps one copy). Never blocks.
 */
public final class ChannelSender {
    private static final Logger LOG = Logger.getLogger(ChannelSender.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Counts deliveries by outcome ({@code delivered}, {@code failed}). */
    public interface Outcomes {
        void record(String channel, String outcome);
    }

    private final Vertx vertx;
    private final Channel channel;
    private final HttpClient client;
    private final Outcomes outcomes;
    private final Duration firstBackoff;
    private final String suite;

    public ChannelSender(Vertx vertx, HttpClient client, Channel channel, String suite, Outcomes outcomes, Duration firstBackoff) {
        this.vertx = vertx;
        this.client = client;
        this.channel = channel;
        this.suite = suite;
        this.outcomes = outcomes;
        this.firstBackoff = firstBackoff;
    }

    public Channel channel() {
        return channel;
    }

    /** Sends one notice; completes with null once delivered, or fails with why after the last attempt. */
    public Future<Void> send(Notice notice) {
        Request r = request(notice);
        Promise<Void> done = Promise.promise();
        attempt(r, 0, done);
        return done.future();
    }

    record Request(HttpMethod method, URI url, String contentType, String body, Map<String, String> headers) {
    }

    Request request(Notice n) {
        return switch (channel.kind()) {
            case NTFY -> {
                Map<String, String> h = new LinkedHashMap<>();
                h.put("Title", n.title());
                h.put("Priority", n.event() == Notice.Event.ALERT || n.event() == Notice.Event.REMINDER ? channel.priority() : "default");
                h.put("Tags", switch (n.event()) {
                    case ALERT, REMINDER -> "disk".equals(n.kind()) ? "warning" : "rotating_light";
                    case RESOLVED -> "white_check_mark";
                    case TEST -> "test_tube";
                });
                yield new Request(HttpMethod.POST, channel.url(), "text/plain; charset=utf-8", n.message(), h);
            }
            case MATRIX -> {
                ObjectNode body = JSON.createObjectNode().put("msgtype", "m.text").put("body", n.title() + "\n" + n.message());
                URI u = URI.create(channel.url() + "/sparkd-" + UUID.randomUUID());
                yield new Request(HttpMethod.PUT, u, "application/json", body.toString(), Map.of());
            }
            case WEBHOOK -> new Request(HttpMethod.POST, channel.url(), channel.contentType(),
                    channel.template().map(t -> render(t, n)).orElseGet(() -> json(n)), Map.of());
        };
    }

    private String json(Notice n) {
        ObjectNode body = JSON.createObjectNode().put("event", n.event().word()).put("subject", n.subject()).put("service", n.service())
                .put("host", n.host()).put("kind", n.kind()).put("state", n.state()).put("from", n.from()).put("reason", n.reason())
                .put("since", n.since() == null ? null : n.since().toString()).put("at", n.at().toString()).put("title", n.title())
                .put("message", n.message()).put("suite", suite);
        return body.toString();
    }

    /** The template with each {{placeholder}} replaced; JSON-escaped when the body is JSON, so quotes stay balanced. */
    String render(String template, Notice n) {
        boolean json = channel.contentType().contains("json");
        Matcher m = Channel.PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "event" -> n.event().word();
                case "subject" -> n.subject();
                case "service" -> n.service();
                case "host" -> n.host();
                case "kind" -> n.kind();
                case "state" -> n.state();
                case "from" -> n.from();
                case "reason" -> n.reason();
                case "since" -> n.since() == null ? null : n.since().toString();
                case "at" -> n.at().toString();
                case "title" -> n.title();
                case "message" -> n.message();
                case "suite" -> suite;
                default -> m.group();
            };
            String text = value == null ? "" : value;
            m.appendReplacement(out, Matcher.quoteReplacement(json ? new String(JsonStringEncoder.getInstance().quoteAsString(text)) : text));
        }
        m.appendTail(out);
        return out.toString();
    }

    private void attempt(Request r, int attempt, Promise<Void> done) {
        boolean ssl = "https".equals(r.url().getScheme());
        RequestOptions o = new RequestOptions().setMethod(r.method()).setHost(r.url().getHost())
                .setPort(r.url().getPort() > 0 ? r.url().getPort() : ssl ? 443 : 80).setSsl(ssl)
                .setURI(r.url().getRawPath() + (r.url().getRawQuery() == null ? "" : "?" + r.url().getRawQuery()))
                .setIdleTimeout(10_000).putHeader("Content-Type", r.contentType());
        r.headers().forEach(o::putHeader);
        try {
            channel.token().ifPresent(t -> o.putHeader("Authorization", "Bearer " + t.resolve()));
        } catch (IllegalStateException e) {
            outcomes.record(channel.name(), "failed");
            LOG.warnf("notification channel %s: token unavailable: %s", channel.name(), e.getMessage());
            done.fail("token unavailable: " + e.getMessage());
            return;
        }
        client.request(o).compose(req -> req.send(Buffer.buffer(r.body()))).compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result() >= 200 && ar.result() < 300) {
                        outcomes.record(channel.name(), "delivered");
                        done.complete();
                        return;
                    }
                    String why = ar.succeeded() ? "HTTP " + ar.result() : ar.cause().getClass().getSimpleName()
                            + (ar.cause().getMessage() == null ? "" : ": " + ar.cause().getMessage());
                    if (attempt < channel.retries()) {
                        // A one-off delay before a retry, not a schedule: a Vert.x timer, not a scheduler job.
                        vertx.setTimer(firstBackoff.toMillis() << attempt, id -> attempt(r, attempt + 1, done));
                    } else {
                        outcomes.record(channel.name(), "failed");
                        // The host only: a URL's path can carry a secret (an ntfy topic is its password).
                        LOG.warnf("notification channel %s (%s) gave up after %d attempt(s): %s", channel.name(), r.url().getHost(),
                                attempt + 1, why);
                        done.fail(why);
                    }
                });
    }
}
