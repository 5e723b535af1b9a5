package dev.sparkd.simulator.cloud;

import dev.sparkd.simulator.generation.Pace;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What both simulated providers share: the HTTP server's life, the accepted keys (compared in constant time), the
 * rate limit, the injected fault and the request log. Subclasses add their API's routes and shapes.
 */
abstract class CloudServer implements CloudProvider {
    protected final Vertx vertx;
    protected final List<String> models;
    protected final Pace pace;
    protected final RateLimiter limiter;
    private final String provider;
    private final Set<String> apiKeys;
    private final int bodyLimit;
    private final List<CloudRequest> log = new ArrayList<>();
    private volatile CloudFault fault = CloudFault.NONE;
    private HttpServer server;

    /**
     * @param provider the provider's name, e.g. {@code openai}
     * @param models   the models listed and accepted, or {@code defaultModels} when empty
     */
    protected CloudServer(String provider, Vertx vertx, Set<String> apiKeys, List<String> models, List<String> defaultModels, Pace pace,
            int bodyLimit) {
        this.provider = provider;
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.apiKeys = Set.copyOf(apiKeys);
        this.models = List.copyOf(models.isEmpty() ? defaultModels : models);
        this.pace = Objects.requireNonNull(pace, "pace");
        this.limiter = new RateLimiter(Clock.systemUTC());
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String provider() {
        return provider;
    }

    /** Registers the API's routes, including the catch-all 404 in the provider's error shape. */
    protected abstract void routes(Router router);

    /** Listens on 127.0.0.1:{@code port} (0 = ephemeral); completes with the bound port. */
    @Override
    public synchronized Future<Integer> start(int port) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(bodyLimit));
        routes(router);
        return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").map(s -> {
            synchronized (this) {
                server = s;
            }
            return s.actualPort();
        });
    }

    @Override
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.actualPort();
    }

    @Override
    public synchronized Future<Void> stop() {
        HttpServer s = server;
        server = null;
        return s == null ? Future.succeededFuture() : s.close();
    }

    /** Requests per minute before 429s; 0 (the default) means unlimited. */
    @Override
    public void setRateLimit(int requestsPerMinute) {
        limiter.setLimit(requestsPerMinute);
    }

    @Override
    public void setFault(CloudFault fault) {
        this.fault = Objects.requireNonNull(fault, "fault");
    }

    @Override
    public CloudFault fault() {
        return fault;
    }

    @Override
    public synchronized List<CloudRequest> requests() {
        return List.copyOf(log);
    }

    @Override
    public synchronized void clearRequests() {
        log.clear();
    }

    protected synchronized void log(CloudRequest request) {
        log.add(request);
    }

    /** Whether {@code key} is accepted; every configured key is compared, in constant time. */
    protected boolean known(String key) {
        boolean found = false;
        for (String k : apiKeys) {
            found |= MessageDigest.isEqual(k.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8));
        }
        return found;
    }
}
