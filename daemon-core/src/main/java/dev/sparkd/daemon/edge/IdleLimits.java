package dev.sparkd.daemon.edge;

import java.util.concurrent.TimeUnit;

import dev.sparkd.daemon.boot.DaemonConfig;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Two idle limits per connection, set once here for every daemon. Vert.x has one ({@code quarkus.http.idle-timeout}):
 * it is set to the short {@code sparkd.http.header-timeout}, so a connection that is silent while no request of it is
 * being handled — half-sent headers, a client that connects and waits, a keep-alive connection nobody reuses — is
 * closed after it. While a request is in flight the limit is {@code sparkd.http.request-idle-timeout} instead, so a
 * router request waiting for a model to load (up to its {@code first_token_timeout}) or a long MCP tool call is not
 * cut off. Vert.x closes an idle connection itself; this only swaps its idle handler ({@code "idle"} in the Netty
 * pipeline) when a connection's first request arrives and its last one ends.
 */
@Singleton
public class IdleLimits {
    /** The Vert.x HTTP server's name for its idle handler. */
    static final String HANDLER = "idle";
    private static final AttributeKey<int[]> IN_FLIGHT = AttributeKey.valueOf("sparkd.requests-in-flight");

    private final long headerMillis;
    private final long requestMillis;

    public IdleLimits(DaemonConfig config) {
        this.headerMillis = config.http().headerTimeout().toMillis();
        this.requestMillis = config.http().requestIdleTimeout().toMillis();
    }

    void register(@Observes Router router) {
        router.route().order(Edge.ORDER - 1).handler(this::handle);
    }

    void handle(RoutingContext ctx) {
        HttpConnection connection = ctx.request().connection();
        if (connection instanceof ConnectionBase base && base.channel().pipeline().get(HANDLER) != null) {
            // on the connection's event loop: no other thread touches the count
            int[] inFlight = base.channel().attr(IN_FLIGHT).setIfAbsent(new int[1]);
            if (inFlight == null) {
                inFlight = base.channel().attr(IN_FLIGHT).get();
            }
            int[] count = inFlight;
            if (count[0]++ == 0) {
                swap(base.channel().pipeline(), requestMillis);
            }
            ctx.addEndHandler(v -> {
                if (--count[0] == 0 && base.channel().isActive()) {
                    swap(base.channel().pipeline(), headerMillis);
                }
            });
        }
        ctx.next();
    }

    private static void swap(ChannelPipeline pipeline, long millis) {
        if (pipeline.get(HANDLER) != null) {
            pipeline.replace(HANDLER, HANDLER, new IdleStateHandler(0, 0, millis, TimeUnit.MILLISECONDS));
        }
    }
}
