package dev.sparkd.mcp.access;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.sparkd.core.auth.RateLimiter;
import dev.sparkd.core.net.Peers;
import dev.sparkd.mcp.config.RateLimit;
import dev.sparkd.mcp.config.McpSettings;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The gate in front of {@code /mcp}, run as a Vert.x filter before the MCP endpoint: a foreign {@code Origin} gets
 * 403 (DNS rebinding), a missing or unknown bearer key 401, and a session presented with another key than the one
 * that opened it 403. Allowed origins are the configured ones plus the gateway's own address: {@code http://} with
 * its listen host or a loopback host ({@link Peers#isLoopback}: {@code localhost}, {@code 127.0.0.1}, {@code [::1]})
 * at its port. A rebinding page's Origin names the attacker's host, never a loopback literal. Never logs a key.
 * <p>
 * An {@code initialize} (a POST without a session) is held to the key's {@code rate_limit} (a bucket of its own), and
 * refused (429) when the key already has {@code [mcp] max_sessions_per_key} sessions. The legacy HTTP+SSE transport
 * under {@code /mcp/sse} and {@code /mcp/messages} is refused (404).
 */
@Singleton
public class McpHttpGuard {
    private static final Logger LOG = Logger.getLogger(McpHttpGuard.class);
    public static final String SESSION_HEADER = "Mcp-Session-Id";
    public static final String KEY_ID = "sparkd.mcp.key-id";

    /** The JSON-RPC error code of a refusal for too many requests (as the tool calls use it). */
    static final int RATE_LIMITED = 429;

    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final McpSettings.SessionLimits limits;
    private final Sessions sessions;
    private final Set<String> configuredOrigins;
    private final String listenHost;
    private final int port;
    private final String path;

    public McpHttpGuard(ApiKeys keys, Sessions sessions, McpSettings settings, RateLimiter limiter,
            @ConfigProperty(name = "quarkus.mcp.server.http.root-path", defaultValue = "/mcp") String path) {
        this.limiter = limiter;
        this.limits = settings.sessions();
        this.keys = keys;
        this.sessions = sessions;
        this.configuredOrigins = Set.copyOf(settings.allowedOrigins());
        this.listenHost = settings.listen().host();
        this.port = settings.listen().port();
        this.path = path;
    }

    /** Runs the guard before every route; it only acts on {@code /mcp}. */
    void register(@Observes Filters filters) {
        filters.register(this::handle, 200);
    }

    /** Whether a browser page from {@code origin} may call the gateway. */
    boolean allowedOrigin(String origin) {
        if (configuredOrigins.contains(origin)) {
            return true;
        }
        try {
            URI u = new URI(origin);
            String host = u.getHost();
            return "http".equals(u.getScheme()) && u.getPort() == port && host != null
                    && (host.equalsIgnoreCase(listenHost) || Peers.isLoopback(host))
                    && (u.getRawPath() == null || u.getRawPath().isEmpty()) && u.getRawQuery() == null && u.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    public void handle(RoutingContext rc) {
        String p = rc.normalizedPath();
        if (!p.equals(path) && !p.startsWith(path + "/")) {
            rc.next();
            return;
        }
        if (!p.equals(path)) {
            // the legacy HTTP+SSE transport (/mcp/sse, /mcp/messages/…) names its session in the path, out of reach
            // of the key binding above: it is not served
            reject(rc, 404, -32601, "Not Found: the HTTP+SSE transport is not served; use Streamable HTTP at " + path, null);
            return;
        }
        String origin = rc.request().getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !allowedOrigin(origin)) {
            LOG.debugf("refused a request from a foreign Origin");
            reject(rc, 403, -32000, "Forbidden: Origin not allowed", null);
            return;
        }
        Optional<McpSettings.ApiKey> key = bearer(rc.request().getHeader(HttpHeaders.AUTHORIZATION)).flatMap(keys::verify);
        if (key.isEmpty()) {
            reject(rc, 401, -32001, "Unauthorized: send an API key as `Authorization: Bearer <key>`",
                    "Bearer realm=\"sparkd-mcp-gateway\"");
            return;
        }
        String keyId = key.get().id();
        String session = rc.request().getHeader(SESSION_HEADER);
        if (session != null) {
            Optional<McpSettings.ApiKey> owner = sessions.keyOf(session);
            if (owner.isPresent() && !owner.get().id().equals(keyId)) {
                reject(rc, 403, -32000, "Forbidden: this session belongs to another key", null);
                return;
            }
            if (rc.request().method() == HttpMethod.DELETE) {
                rc.addEndHandler(v -> sessions.unbind(session));
            }
        } else if (rc.request().method() == HttpMethod.POST) {
            // an initialize: it opens a session, so it counts against the key's rate and its session cap
            Optional<RateLimit> rate = key.get().rateLimit();
            // its own bucket at the key's rate: reconnecting does not eat the key's tool calls, and a flood of them
            // is held to the rate
            if (rate.isPresent() && !limiter.tryAcquire("init:" + keyId, rate.get().rate())) {
                reject(rc, 429, RATE_LIMITED, "Too Many Requests: key `" + keyId + "` may open sessions at " + rate.get(), null);
                return;
            }
            if (!sessions.tryOpen(keyId, limits.perKey())) {
                reject(rc, 429, RATE_LIMITED, "Too Many Sessions: key `" + keyId + "` has " + limits.perKey()
                        + " sessions open ([mcp] max_sessions_per_key); close one (DELETE) or let it idle out", null);
                return;
            }
            // bind the id the MCP server hands out to this key
            AtomicBoolean bound = new AtomicBoolean();
            rc.addHeadersEndHandler(v -> {
                String created = rc.response().headers().get(SESSION_HEADER);
                if (created != null && bound.compareAndSet(false, true)) {
                    sessions.bind(created, key.get());
                }
            });
            rc.addEndHandler(v -> {
                if (bound.compareAndSet(false, true)) {
                    sessions.abandon(keyId);
                }
            });
        }
        rc.put(KEY_ID, keyId);
        rc.next();
    }

    static Optional<String> bearer(String header) {
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).trim());
    }

    private static void reject(RoutingContext rc, int status, int code, String message, String wwwAuthenticate) {
        var response = rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (wwwAuthenticate != null) {
            response.putHeader("WWW-Authenticate", wwwAuthenticate);
        }
        JsonObject body = new JsonObject().put("jsonrpc", "2.0").putNull("id")
                .put("error", new JsonObject().put("code", code).put("message", message));
        response.end(body.toBuffer());
    }
}
