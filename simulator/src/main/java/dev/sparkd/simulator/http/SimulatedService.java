package dev.sparkd.simulator.http;

import dev.sparkd.simulator.config.ServiceKind;
import dev.sparkd.simulator.control.RequestLog;
import dev.sparkd.simulator.control.RequestRecord;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultSet;
import dev.sparkd.simulator.fault.FaultType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One simulated model server on its own port: owns the port's life (open, closed while "down" or loading), the
 * fault gate every request passes first, and the request log. Subclasses add the real server's routes and error
 * shape. Port changes are serialised on one future chain so faults flipping quickly never race two listens.
 */
public abstract class SimulatedService {
    protected final Vertx vertx;
    protected final FaultSet faults = new FaultSet(FaultType.Scope.SERVICE);
    private final String name;
    private final ServiceKind kind;
    private final String host;
    private final String bind;
    private final RequestLog requests = new RequestLog();
    private final int port;
    private Router router;
    private HttpServer server;
    private Future<Void> transitions = Future.succeededFuture();
    private boolean stopped;
    private long loadingTimer = -1;
    private volatile boolean resetWhileLoading;

    protected SimulatedService(Vertx vertx, String name, ServiceKind kind, String host, String bind, int port) {
        this.vertx = vertx;
        this.name = name;
        this.kind = kind;
        this.host = host;
        this.bind = bind;
        // Port 0 is resolved now, not at listen time: a server that starts "loading" has a closed port whose number
        // tests must already know in order to poll it.
        this.port = port == 0 ? freePort(bind) : port;
        faults.onChange(this::faultChanged);
    }

    /** Applies the configured faults, then loads for {@code startupLoad} (port closed or 503), then serves. */
    public final Future<Void> start(List<Fault> initialFaults, Duration startupLoad) {
        initialFaults.forEach(faults::set);
        if (startupLoad != null && !startupLoad.isZero() && !faults.has(FaultType.LOADING)) {
            faults.set(Fault.of(FaultType.LOADING, "seconds", startupLoad.toMillis() / 1000.0));
        }
        return reconcile();
    }

    /** Stops serving for good: closes the port and cancels the server's timers. */
    public final Future<Void> stop() {
        synchronized (this) {
            stopped = true;
        }
        onStop();
        return reconcile();
    }

    public String name() {
        return name;
    }

    public ServiceKind kind() {
        return kind;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public FaultSet faults() {
        return faults;
    }

    public RequestLog requests() {
        return requests;
    }

    public synchronized boolean listening() {
        return server != null;
    }

    public boolean loading() {
        return faults.has(FaultType.LOADING);
    }

    /** One word for {@code /_sim/state}: stopped, down, loading, engine_dead, hanging or up. */
    public synchronized String state() {
        if (stopped) {
            return "stopped";
        }
        if (faults.has(FaultType.DOWN)) {
            return "down";
        }
        if (exited()) {
            return "exited";
        }
        if (loading()) {
            return "loading";
        }
        if (faults.has(FaultType.ENGINE_DEAD)) {
            return "engine_dead";
        }
        if (faults.has(FaultType.HANG)) {
            return "hanging";
        }
        return "up";
    }

    /** The real server's routes. The fault gate and body handling run before them. */
    protected abstract void routes(Router router);

    /** Answers with the real server's error shape. */
    protected abstract void sendError(RoutingContext ctx, int status, String message);

    /** vLLM and Ollama do not listen until loaded (connection refused); llama.cpp listens and answers 503. */
    protected boolean closesPortWhileLoading() {
        return true;
    }

    /**
     * Published through docker's userland proxy ({@code -p HOST:CONTAINER}): while the server inside has no listener,
     * docker-proxy still accepts on the host port and then closes the connection (moby/moby#16976), so clients see
     * a reset or an empty reply instead of "connection refused".
     */
    public void resetWhileLoading(boolean reset) {
        this.resetWhileLoading = reset; // read at the next port change (start sets the loading state)
    }

    /** Reached through docker-proxy: set for the container, or by the {@code loading} fault's {@code via_proxy}. */
    private boolean viaProxy() {
        return resetWhileLoading || faults.get(FaultType.LOADING)
                .map(f -> Boolean.parseBoolean(f.stringParam("via_proxy", "false"))).orElse(false);
    }

    /** Whether the process is gone although no fault says "down" (vLLM after its engine died). */
    protected boolean exited() {
        return false;
    }

    /** The answer to any request while loading with the port open (llama.cpp overrides it). */
    protected void loadingResponse(RoutingContext ctx) {
        sendError(ctx, 503, "Loading model");
    }

    /** Hook for subclasses: a fault was set or cleared. */
    protected void faultChanged(FaultType type, boolean active) {
    }

    /** Hook for subclasses: cancel pulls, timers. */
    protected void onStop() {
    }

    private void faultChanged(FaultType type) {
        if (type == FaultType.LOADING) {
            scheduleLoadingEnd();
        }
        if (type == FaultType.LOADING || type == FaultType.DOWN) {
            reconcile();
        }
        faultChanged(type, faults.has(type));
    }

    private synchronized void scheduleLoadingEnd() {
        if (loadingTimer >= 0) {
            vertx.cancelTimer(loadingTimer);
            loadingTimer = -1;
        }
        Optional<Fault> loading = faults.get(FaultType.LOADING);
        if (loading.isPresent()) {
            Fault f = loading.get();
            long ms = Math.max(1, Math.round(f.doubleParam("seconds", 30) * 1000));
            loadingTimer = vertx.setTimer(ms, id -> faults.clearIfSame(f));
        }
    }

    /** Brings the port in line with the current state; the returned future completes when it is. */
    public synchronized Future<Void> reconcile() {
        boolean open = !stopped && !faults.has(FaultType.DOWN) && !exited()
                && !(loading() && closesPortWhileLoading() && !viaProxy());
        if (stopped && loadingTimer >= 0) {
            vertx.cancelTimer(loadingTimer);
            loadingTimer = -1;
        }
        transitions = transitions.transform(previous -> open ? openPort() : closePort());
        return transitions;
    }

    private Future<Void> openPort() {
        synchronized (this) {
            if (server != null) {
                return Future.succeededFuture();
            }
            if (router == null) {
                router = buildRouter();
            }
        }
        HttpServer s = vertx.createHttpServer(new HttpServerOptions().setReuseAddress(true));
        s.connectionHandler(conn -> {
            if (loading() && closesPortWhileLoading() && viaProxy()) {
                conn.close(); // docker-proxy: accepted on the host port, nothing behind it
            }
        });
        return s.requestHandler(router).listen(port, bind)
                .onSuccess(srv -> {
                    synchronized (this) {
                        server = srv;
                    }
                })
                .mapEmpty();
    }

    private Future<Void> closePort() {
        HttpServer s;
        synchronized (this) {
            s = server;
            server = null;
        }
        // Closing the server also closes its open connections, like a killed process.
        return s == null ? Future.succeededFuture() : s.close();
    }

    private Router buildRouter() {
        Router r = Router.router(vertx);
        r.route().handler(this::logRequest);
        // uploads (audio for transcription) go to a temporary directory and are gone when the request ends
        r.route().handler(BodyHandler.create().setBodyLimit(64L * 1024 * 1024)
                .setUploadsDirectory(System.getProperty("java.io.tmpdir") + "/sparkd-sim-uploads").setDeleteUploadedFilesOnEnd(true));
        r.route().handler(this::gate);
        routes(r);
        return r;
    }

    private void logRequest(RoutingContext ctx) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        String method = ctx.request().method().name();
        String path = ctx.request().path();
        ctx.addEndHandler(ar -> {
            int status = ctx.response().headWritten() ? ctx.response().getStatusCode() : 0;
            requests.add(new RequestRecord(name, method, path, status, started, (System.nanoTime() - t0) / 1_000_000));
        });
        ctx.next();
    }

    private void gate(RoutingContext ctx) {
        long delay = faults.get(FaultType.SLOW).map(f -> f.longParam("delay_ms", 1000)).orElse(0L);
        if (delay > 0) {
            vertx.setTimer(delay, id -> afterDelay(ctx));
        } else {
            afterDelay(ctx);
        }
    }

    private void afterDelay(RoutingContext ctx) {
        if (ctx.response().closed()) {
            return;
        }
        if (faults.has(FaultType.HANG)) {
            return; // read the request, never answer: the client's timeout is what is under test
        }
        Optional<Fault> http5xx = faults.get(FaultType.HTTP_5XX);
        if (http5xx.isPresent()) {
            int status = http5xx.get().intParam("status", 500);
            sendError(ctx, status, http5xx.get().stringParam("message", "simulated fault: HTTP " + status));
            return;
        }
        Optional<Fault> garbage = faults.get(FaultType.GARBAGE);
        if (garbage.isPresent()) {
            ctx.response().setStatusCode(200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, garbage.get().stringParam("content_type", "application/json"))
                    .end(garbage.get().stringParam("body", "<html><body>\u0000\u00ff not json {{{</body></html>"));
            return;
        }
        if (loading() && !closesPortWhileLoading()) {
            loadingResponse(ctx);
            return;
        }
        if (loading() && viaProxy()) {
            ctx.request().connection().close(); // a connection opened before the load began: the process behind it is gone
            return;
        }
        ctx.next();
    }

    /** Sends {@code json} with status and {@code application/json}. */
    protected static void json(RoutingContext ctx, int status, Object json) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(json instanceof String s ? s : Json.write((com.fasterxml.jackson.databind.JsonNode) json));
    }

    private static int freePort(String bind) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(bind))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + bind, e);
        }
    }
}
