package dev.sparkd.simulator.control;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.cloud.CloudFault;
import dev.sparkd.simulator.cloud.CloudRequest;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.http.Json;
import dev.sparkd.simulator.ssh.CommandLog;
import io.vertx.core.Future;
import java.time.Duration;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Locale;
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
            // answer once the port is open or closed as the fault says, so a client can rely on it right away
            control.settled(ctx.pathParam("name")).onComplete(ar -> json(ctx, 200, control.state()));
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
        r.post("/_sim/hosts/:host/reboot").handler(safe(ctx -> {
            String host = ctx.pathParam("host");
            String downParam = ctx.request().getParam("down_ms");
            Duration down = Duration.ofMillis(downParam == null ? 1000 : Long.parseLong(downParam));
            control.hfCache(host); // an unknown host fails here, before anything stops
            vertx.<List<String>>executeBlocking(() -> control.reboot(host, down), false).onComplete(ar -> {
                if (ar.failed()) {
                    json(ctx, 500, Json.object().put("error", String.valueOf(ar.cause().getMessage())));
                    return;
                }
                ObjectNode out = Json.object();
                out.put("host", host);
                out.put("down_ms", down.toMillis());
                ArrayNode restarted = out.putArray("restarted");
                ar.result().forEach(restarted::add);
                json(ctx, 200, out);
            });
        }));
        r.get("/_sim/hosts/:host/hf-cache").handler(safe(ctx -> {
            ObjectNode out = Json.object();
            control.hfCache(ctx.pathParam("host")).forEach(out::put);
            json(ctx, 200, out);
        }));
        r.get("/_sim/hosts/:host/commands").handler(safe(ctx -> json(ctx, 200, commands(ctx.pathParam("host")))));
        r.delete("/_sim/hosts/:host/commands").handler(safe(ctx -> {
            control.clearCommands(ctx.pathParam("host"));
            json(ctx, 200, commands(ctx.pathParam("host")));
        }));
        r.get("/_sim/cloud/:name/requests").handler(safe(ctx -> json(ctx, 200, cloudRequests(ctx.pathParam("name")))));
        r.delete("/_sim/cloud/:name/requests").handler(safe(ctx -> {
            control.clearCloudRequests(ctx.pathParam("name"));
            json(ctx, 200, cloudRequests(ctx.pathParam("name")));
        }));
        r.put("/_sim/cloud/:name/fault").handler(safe(ctx -> {
            setCloudFault(ctx.pathParam("name"), body(ctx));
            json(ctx, 200, control.state());
        }));
        r.delete("/_sim/cloud/:name/fault").handler(safe(ctx -> {
            control.clearCloudFault(ctx.pathParam("name"));
            json(ctx, 200, control.state());
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

    /** {@code {"type":"server_error"|"overloaded"|"mid_stream_error"|"none"}} or {@code {"type":"rate_limit","rpm":N}}. */
    private void setCloudFault(String provider, Map<String, Object> body) {
        Object type = body.get("type");
        if (!(type instanceof String name)) {
            throw new IllegalArgumentException("a cloud fault needs a \"type\": server_error, overloaded, mid_stream_error or rate_limit");
        }
        if (name.equals("rate_limit")) {
            if (!(body.get("rpm") instanceof Number rpm)) {
                throw new IllegalArgumentException("rate_limit needs \"rpm\": requests per minute, e.g. {\"type\":\"rate_limit\",\"rpm\":3}");
            }
            control.setCloudRateLimit(provider, rpm.intValue());
            return;
        }
        CloudFault fault;
        try {
            fault = CloudFault.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown cloud fault '" + name + "' (server_error, overloaded, mid_stream_error, rate_limit, none)");
        }
        control.setCloudFault(provider, fault);
    }

    private ObjectNode commands(String host) {
        ArrayNode out = Json.array();
        for (CommandLog.Entry e : control.commands(host)) {
            out.addObject().put("time", e.time().toString()).put("user", e.user()).put("command", e.command())
                    .put("exit_code", e.exitCode()).put("duration_ms", e.took().toMillis());
        }
        ObjectNode wrapper = Json.object();
        wrapper.set("commands", out);
        return wrapper;
    }

    private ObjectNode cloudRequests(String provider) {
        ArrayNode out = Json.array();
        for (CloudRequest c : control.cloudRequests(provider)) {
            out.addObject().put("time", c.time().toString()).put("provider", c.provider()).put("path", c.path())
                    .put("model", c.model()).put("key_id", c.keyId()).put("status", c.status()).put("stream", c.stream())
                    .put("input_tokens", c.inputTokens()).put("output_tokens", c.outputTokens());
        }
        ObjectNode wrapper = Json.object();
        wrapper.set("requests", out);
        return wrapper;
    }

    private void clearServiceFault(RoutingContext ctx) {
        String type = ctx.request().getParam("type");
        if (type == null || ctx.request().path().endsWith("/faults")) {
            control.clearFaults(ctx.pathParam("name"));
        } else {
            control.clearFault(ctx.pathParam("name"), FaultType.parse(type));
        }
        control.settled(ctx.pathParam("name")).onComplete(ar -> json(ctx, 200, control.state()));
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
