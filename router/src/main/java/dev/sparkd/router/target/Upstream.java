package dev.sparkd.router.target;

import java.net.URI;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.sparkd.core.http.BackendTls;
import dev.sparkd.router.config.RouterSettings;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.ServiceKind;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * One backend service as the router reaches it: a pooled Vert.x HTTP client, its API paths, how it authenticates,
 * and the live state the background refresher keeps (never read on the request path from the network).
 */
public final class Upstream {
    private final ServiceDef def;
    private final String provider;
    private final HttpClient client;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String apiPrefix;
    private final RouterSettings.Timeouts timeouts;
    /** Requests in flight to this service, over every target that names it. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** {@code max_in_flight} from the config; 0 = take what the server reports. */
    private final int configuredMax;
    /** Exchanges waiting for a slot ({@code when_full = "queue"}); each takes a wake-up at most once. */
    private final Queue<BooleanSupplier> waiters = new ConcurrentLinkedQueue<>();

    private volatile boolean reachable = true;
    private volatile String servedModel;
    private volatile Set<String> loadedModels;
    private volatile double queueWaiting;
    private volatile double running;
    private volatile double kvCacheUsage;
    private volatile String lastError;
    private volatile int reportedMax;
    private volatile boolean loading;

    public Upstream(Vertx vertx, ServiceDef def, RouterSettings.Timeouts timeouts) {
        this(vertx, def, timeouts, 0);
    }

    public Upstream(Vertx vertx, ServiceDef def, RouterSettings.Timeouts timeouts, int maxInFlight) {
        this.def = def;
        this.timeouts = timeouts;
        this.configuredMax = maxInFlight;
        this.provider = switch (def.kind()) {
            case OPENAI -> def.provider().orElse("openai");
            default -> def.kind().key();
        };
        URI base = def.baseUri();
        this.ssl = "https".equals(base.getScheme());
        this.host = base.getHost();
        this.port = base.getPort() > 0 ? base.getPort() : (ssl ? 443 : 80);
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        this.apiPrefix = path.endsWith("/v1") ? path : path + "/v1";
        HttpClientOptions options = new HttpClientOptions()
                .setDefaultHost(host).setDefaultPort(port).setSsl(ssl).setUseAlpn(false).setTrustAll(false)
                .setVerifyHost(ssl).setForceSni(ssl)
                .setConnectTimeout((int) Math.max(1, timeouts.connect().toMillis()))
                .setKeepAlive(true).setKeepAliveTimeout(30).setTcpNoDelay(true).setDecompressionSupported(false)
                .setIdleTimeout(0).setName("sparkd-router-" + def.name());
        BackendTls.apply(options, def.tls());
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(4096));
        this.reachable = true;
    }

    public String name() {
        return def.name();
    }

    public ServiceDef def() {
        return def;
    }

    public ServiceKind kind() {
        return def.kind();
    }

    /** ollama | vllm | llamacpp | openai | openrouter | anthropic | compatible. */
    public String provider() {
        return provider;
    }

    public boolean cloud() {
        return def.isCloud();
    }

    public boolean anthropic() {
        return "anthropic".equals(provider);
    }

    public HttpClient client() {
        return client;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code host:port} for the Host header. */
    public String authority() {
        return (ssl && port == 443) || (!ssl && port == 80) ? host : host + ":" + port;
    }

    /** The request path for an API path such as {@code /chat/completions}. */
    public String path(String apiPath) {
        return apiPrefix + apiPath;
    }

    public RouterSettings.Timeouts timeouts() {
        return timeouts;
    }

    /** The key, read at use (rotated files apply); null when the service has none. */
    public String apiKey() {
        return def.apiKey().map(k -> k.resolve()).orElse(null);
    }

    public boolean reachable() {
        return reachable;
    }

    public String servedModel() {
        return servedModel;
    }

    public Set<String> loadedModels() {
        return loadedModels;
    }

    public double queueWaiting() {
        return queueWaiting;
    }

    public double running() {
        return running;
    }

    public double kvCacheUsage() {
        return kvCacheUsage;
    }

    public String lastError() {
        return lastError;
    }

    /** The most requests in flight at once: the configured limit, else the server's own (llama.cpp slots), else 0 (none). */
    public int maxInFlight() {
        return configuredMax > 0 ? configuredMax : reportedMax;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Takes a slot when there is room under {@link #maxInFlight}; without a limit always (only counting). */
    public boolean tryEnter() {
        int max = maxInFlight();
        if (max <= 0) {
            inFlight.incrementAndGet();
            return true;
        }
        for (int n = inFlight.get(); n < max; n = inFlight.get()) {
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** At its limit: a request now would have to wait or go elsewhere. */
    public boolean full() {
        int max = maxInFlight();
        return max > 0 && inFlight.get() >= max;
    }

    /** Gives a slot back, and hands the wake-up to the first exchange still waiting for one. */
    public void leave() {
        inFlight.decrementAndGet();
        if (!waiters.isEmpty()) {
            BooleanSupplier w;
            while ((w = waiters.poll()) != null && !w.getAsBoolean()) {
                // a waiter that already woke (on another service, or by its timeout) is dropped
            }
        }
    }

    /** Waits for the next free slot: {@code wake} is called once a slot is given back, and says whether it took it. */
    public void await(BooleanSupplier wake) {
        waiters.add(wake);
    }

    /** Loading a model (a swap in progress, llama.cpp's 503 "Loading model"): drained, sent nothing new. */
    public boolean loading() {
        return loading;
    }

    void markLoading(String why) {
        this.loading = true;
        this.reachable = false;
        this.lastError = why;
    }

    void reportSlots(int slots) {
        this.reportedMax = Math.max(0, slots);
    }

    void markReachable(String servedModel) {
        this.loading = false;
        this.reachable = true;
        this.lastError = null;
        if (servedModel != null) {
            this.servedModel = servedModel;
        }
    }

    void markUnreachable(String why) {
        this.loading = false;
        this.reachable = false;
        this.lastError = why;
    }

    void load(double waiting, double running, double kv) {
        this.queueWaiting = waiting;
        this.running = running;
        this.kvCacheUsage = kv;
    }

    void loaded(Set<String> models) {
        this.loadedModels = models;
    }

    /** Test hook and refresher: marks the target reachable without probing. */
    public void assumeReachable() {
        this.reachable = true;
    }

    public void close() {
        client.close();
    }
}
