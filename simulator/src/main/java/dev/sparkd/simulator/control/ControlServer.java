package dev.sparkd.simulator.control;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.http.Json;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The simulator's own HTTP API under {@code /_sim}, on a port of its own so it never mixes with a simulated server.
 * Errors follow the project's shape {@code {"error":{"type","message","hint"}}}.
 */
public final class ControlServer {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Vertx vertx;
    private final SimControl control;
    private final String bind;
    private final int requestedPort;
    private HttpServer server;

    public ControlServer(Vertx vertx, SimControl control, String bind, int port) {
        this.vertx = vertx;
        this.control = control;
        this.bind = bind;
        this.requestedPort = port;
    }

    public Future<Void> start() {
        Router r = Router.router(vertx);
        r.route().handler(BodyHandler.create());
        r.get("/_sim/state").handler(safe(ctx -> json(ctx, 200, control.state())));
        r.put("/_sim/services/:name/fault").handler(safe(ctx -> {
            control.setFault(ctx.pathParam("name"), Fault.fromMap(body(ctx)));
            json(ctx, 200, control.state());
        }));
        r.delete("/_sim/services/:name/fault").handler(safe(this::clearServiceFault));
        r.delete("/_sim/services/:name/faults").handler(safe(this::clearServiceFault));
        r.put("/_sim/hosts/:host/fault").handler(safe(ctx -> {
            control.setHostFault(ctx.pathParam("host"), Fault.fromMap(body(ctx)));
            json(ctx, 200, control.state());
        }));
        r.delete("/_sim/hosts/:host/fault").handler(safe(this::clearHostFault));
        r.delete("/_sim/hosts/:host/faults").handler(safe(this::clearHostFault));
        r.post("/_sim/ollama/:service/catalog").handler(safe(ctx -> {
            Map<String, Object> body = body(ctx);
            String digest = control.publishOllamaModel(ctx.pathParam("service"), body);
            ObjectNode out = Json.object();
            out.put("name", String.valueOf(body.get("name")));
            out.put("digest", digest);
            json(ctx, 200, out);
        }));
        r.get("/_sim/requests").handler(safe(ctx -> {
            ArrayNode out = Json.array();
            for (RequestRecord rec : control.requests(ctx.request().getParam("service"))) {
                ObjectNode o = out.addObject();
                o.put("service", rec.service());
                o.put("method", rec.method());
                o.put("path", rec.path());
                o.put("status", rec.status());
                o.put("time", rec.time().toString());
                o.put("duration_ms", rec.durationMillis());
            }
            ObjectNode wrapper = Json.object();
            wrapper.set("requests", out);
            json(ctx, 200, wrapper);
        }));
        r.route().last().handler(ctx -> error(ctx, 404, "not_found", "no such control endpoint: " + ctx.request().path(),
                "see simulator/README.md for the /_sim API"));
        return vertx.createHttpServer().requestHandler(r).listen(requestedPort, bind).onSuccess(s -> server = s).mapEmpty();
    }

    public int port() {
        return server == null ? requestedPort : server.actualPort();
    }

    public Future<Void> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void clearServiceFault(RoutingContext ctx) {
        String type = ctx.request().getParam("type");
        if (type == null || ctx.request().path().endsWith("/faults")) {
            control.clearFaults(ctx.pathParam("name"));
        } else {
            control.clearFault(ctx.pathParam("name"), FaultType.parse(type));
        }
        json(ctx, 200, control.state());
    }

    private void clearHostFault(RoutingContext ctx) {
        String type = ctx.request().getParam("type");
        control.clearHostFault(ctx.pathParam("host"),
                type == null || ctx.request().path().endsWith("/faults") ? null : FaultType.parse(type));
        json(ctx, 200, control.state());
    }

    private static Map<String, Object> body(RoutingContext ctx) {
        try {
            Map<String, Object> m = Json.MAPPER.readValue(ctx.body().asString(), MAP);
            if (m == null) {
                throw new IllegalArgumentException("a JSON object body is required");
            }
            return m;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("a JSON object body is required, e.g. {\"type\":\"down\"}");
        }
    }

    private static Handler<RoutingContext> safe(Handler<RoutingContext> h) {
        return ctx -> {
            try {
                h.handle(ctx);
            } catch (NoSuchElementException e) {
                error(ctx, 404, "not_found", e.getMessage(), "GET /_sim/state lists every spark and service");
            } catch (IllegalArgumentException e) {
                error(ctx, 400, "invalid_request", e.getMessage(), null);
            }
        };
    }

    private static void json(RoutingContext ctx, int status, com.fasterxml.jackson.databind.JsonNode body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(Json.write(body));
    }

    private static void error(RoutingContext ctx, int status, String type, String message, String hint) {
        ObjectNode e = Json.object();
        ObjectNode info = e.putObject("error");
        info.put("type", type);
        info.put("message", message);
        if (hint != null) {
            info.put("hint", hint);
        }
        json(ctx, status, e);
    }
}
