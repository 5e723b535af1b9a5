package dev.sparkd.daemon.edge;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.DaemonSettings;
import dev.sparkd.core.config.EdgeSettings;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.net.Peers;
import dev.sparkd.daemon.boot.DaemonConfig;
import dev.sparkd.daemon.edge.RejectedRequests.Reason;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The edge in front of every route of every daemon — JAX-RS resources, raw Vert.x routes (the router's proxy, the
 * gateway's {@code /mcp}) and {@code /q/*} — registered on the Vert.x router before anything else:
 * <ol>
 * <li>{@code Host} must be one of the daemon's own names: its listen address, {@code localhost}, {@code 127.0.0.1},
 * {@code [::1]} (any IP address when it listens on all interfaces), or {@code [suite] allowed_hosts}. A web page that
 * rebinds its own name to 127.0.0.1 still sends its own name, so it is refused (421).</li>
 * <li>An {@code Origin}, when sent, must be the daemon's own (same scheme-less authority as {@code Host}) or listed in
 * {@code allowed_origins}: no other web page gets an answer (403).</li>
 * <li>A POST/PUT/PATCH/DELETE body must be {@code application/json} (415), so no "simple" cross-site form reaches a
 * handler without a CORS preflight. The one exception: a {@code multipart/form-data} upload to a path a daemon
 * registered with {@link #acceptUploads} (the router's audio transcriptions), and only with an {@code Authorization}
 * or {@code x-api-key} header, which no cross-site form can set.</li>
 * <li>{@code /q/metrics} needs the admin token when {@code metrics_admin_only = true}.</li>
 * </ol>
 * Admin routes are declared with {@link AdminOnly}. Refusals are counted ({@link RejectedRequests}) and answered with
 * the shared JSON error shape.
 */
@Singleton
public class Edge {
    /** Before the router's proxy routes (-100) and every Quarkus handler. */
    public static final int ORDER = -10_000;
    private static final Logger LOG = Logger.getLogger(Edge.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Set<String> hosts = new HashSet<>();
    private final Set<String> origins = new HashSet<>();
    private final Set<String> uploadPaths = ConcurrentHashMap.newKeySet();
    private final boolean anyAddress;
    private final boolean metricsAdminOnly;
    private final AdminToken admin;
    private final RejectedRequests rejected;

    public Edge(SuiteConfig config, DaemonConfig daemon, AdminToken admin, RejectedRequests rejected,
            @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1") String listenHost) {
        this.admin = admin;
        this.rejected = rejected;
        EdgeSettings edge = config.suite().edge();
        String listen = normalizeHost(listenHost);
        this.anyAddress = listen.equals("0.0.0.0") || listen.equals("::") || listen.equals("0:0:0:0:0:0:0:0");
        hosts.addAll(Set.of("localhost", "127.0.0.1", "::1"));
        if (!anyAddress) {
            hosts.add(listen);
        }
        edge.allowedHosts().forEach(h -> hosts.add(normalizeHost(h)));
        origins.addAll(edge.allowedOrigins());
        ConfigLoader.DAEMON_SECTIONS.entrySet().stream().filter(e -> e.getValue().equals(daemon.daemon()))
                .findFirst().flatMap(e -> config.section(e.getKey()))
                .map(DaemonSettings::allowedOrigins).ifPresent(list -> list.forEach(o -> origins.add(o.toLowerCase(Locale.ROOT))));
        this.metricsAdminOnly = edge.metricsAdminOnly();
    }

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String host = req.getHeader(HttpHeaders.HOST);
        if (host != null && !hostAllowed(host)) {
            refuse(ctx, Reason.HOST, 421, "misdirected_request", "this daemon does not answer for the host name in the request",
                    "add the name clients use to [suite] allowed_hosts (a page that renamed itself to this address is refused on purpose)");
            return;
        }
        String origin = req.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !originAllowed(origin, host)) {
            refuse(ctx, Reason.ORIGIN, 403, "forbidden_origin", "requests from other web pages are refused",
                    "add the page's origin (scheme://host:port) to [suite] allowed_origins if it should call this daemon");
            return;
        }
        if (hasBody(req) && !isJson(req.getHeader(HttpHeaders.CONTENT_TYPE)) && !upload(req)) {
            refuse(ctx, Reason.CONTENT_TYPE, 415, "unsupported_media_type", "request bodies must be application/json",
                    "send Content-Type: application/json");
            return;
        }
        if (metricsAdminOnly && isMetrics(req.path()) && !admin.accepts(req.getHeader(HttpHeaders.AUTHORIZATION))) {
            refuse(ctx, Reason.ADMIN_TOKEN, 401, "unauthorized", "/q/metrics needs the admin token ([suite] metrics_admin_only = true)",
                    "send Authorization: Bearer <token from " + admin.where() + ">; Prometheus: authorization.credentials_file");
            return;
        }
        ctx.next();
    }

    boolean hostAllowed(String hostHeader) {
        String h = normalizeHost(stripPort(hostHeader));
        return hosts.contains(h) || (anyAddress && isAddressLiteral(h));
    }

    boolean originAllowed(String origin, String hostHeader) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        if (origins.contains(o)) {
            return true;
        }
        int scheme = o.indexOf("://");
        if (scheme < 0 || hostHeader == null) {
            return false; // "null" (sandboxed frames, file://) and anything unparsable
        }
        String s = o.substring(0, scheme);
        return (s.equals("http") || s.equals("https")) && o.substring(scheme + 3).equals(hostHeader.strip().toLowerCase(Locale.ROOT));
    }

    static boolean hasBody(HttpServerRequest req) {
        HttpMethod m = req.method();
        if (!(m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH || m == HttpMethod.DELETE)) {
            return false;
        }
        String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        return req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || (length != null && !length.strip().equals("0"));
    }

    /** Lets {@code multipart/form-data} bodies with a credential header reach {@code path} (an API that takes files). */
    public void acceptUploads(String path) {
        uploadPaths.add(path);
    }

    private boolean upload(HttpServerRequest req) {
        String ct = req.getHeader(HttpHeaders.CONTENT_TYPE);
        return uploadPaths.contains(req.path()) && ct != null && ct.regionMatches(true, 0, "multipart/form-data", 0, 19)
                && (req.getHeader(HttpHeaders.AUTHORIZATION) != null || req.getHeader("x-api-key") != null);
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().equalsIgnoreCase("application/json");
    }

    private static boolean isMetrics(String path) {
        return path != null && (path.equals("/q/metrics") || path.startsWith("/q/metrics/"));
    }

    private void refuse(RoutingContext ctx, Reason reason, int status, String type, String message, String hint) {
        rejected.count(reason);
        String rid = Peers.requestId(ctx.request().getHeader("X-Request-Id"));
        LOG.debugf("refused %s %s: %s (request %s)", ctx.request().method(), ctx.request().path(), reason.label(), rid);
        JsonObject body = new JsonObject().put("error", new JsonObject().put("type", type).put("message", message)
                .put("hint", hint).put("request_id", rid));
        // The body was not read: close the connection rather than drain what may be a large upload.
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("X-Request-Id", rid).putHeader(HttpHeaders.CONNECTION, "close").end(body.encode());
    }

    static String stripPort(String authority) {
        String a = authority.strip();
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            return close < 0 ? a : a.substring(0, close + 1);
        }
        int colon = a.indexOf(':');
        return colon >= 0 && colon == a.lastIndexOf(':') ? a.substring(0, colon) : a;
    }

    static String normalizeHost(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static boolean isAddressLiteral(String h) {
        return IPV4.matcher(h).matches() || (h.indexOf(':') >= 0 && h.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0));
    }
}
