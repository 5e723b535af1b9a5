package dev.sparkd.simulator.ollama;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.config.OllamaModelSpec;
import dev.sparkd.simulator.config.ServiceKind;
import dev.sparkd.simulator.config.Versions;
import dev.sparkd.simulator.http.Json;
import dev.sparkd.simulator.http.SimulatedService;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A simulated {@code ollama serve}: routes and model management as in ollama/ollama {@code server/routes.go}
 * (GenerateRoutes). Inference endpoints live in {@link OllamaInference}.
 */
public final class OllamaServer extends SimulatedService {
    private final String version;
    private final boolean psBlocksDuringLoad;
    private final OllamaRegistry registry;
    private final ModelStore store;
    private final LoadedModels loaded;
    private final long pullBytesPerSecond;
    private final String modelsPath;
    private final OllamaInference inference;

    public OllamaServer(Vertx vertx, String name, String host, String bind, int port, String version, OllamaRegistry registry,
                        ModelStore store, long pullBytesPerSecond, Duration keepAlive, String modelsPath) {
        super(vertx, name, ServiceKind.OLLAMA, host, bind, port);
        this.version = version;
        this.psBlocksDuringLoad = !Versions.olderThan(version, 0, 32, 10);
        this.registry = registry;
        this.store = store;
        this.loaded = new LoadedModels(vertx);
        this.pullBytesPerSecond = pullBytesPerSecond;
        this.modelsPath = modelsPath;
        this.inference = new OllamaInference(vertx, faults, store, loaded, keepAlive);
    }

    public OllamaRegistry registry() {
        return registry;
    }

    public ModelStore store() {
        return store;
    }

    public LoadedModels loaded() {
        return loaded;
    }

    @Override
    protected void routes(Router r) {
        r.get("/").handler(ctx -> text(ctx, 200, "Ollama is running"));
        r.head("/").handler(ctx -> text(ctx, 200, "Ollama is running"));
        r.get("/api/version").handler(this::version);
        r.head("/api/version").handler(this::version);
        r.get("/api/tags").handler(this::tags);
        r.head("/api/tags").handler(this::tags);
        r.get("/api/ps").handler(this::ps);
        r.post("/api/pull").handler(withBody(this::pull));
        r.delete("/api/delete").handler(withBody(this::delete));
        r.post("/api/show").handler(withBody(this::show));
        r.post("/api/copy").handler(withBody(this::copy));
        r.post("/api/generate").handler(inference::generate);
        r.post("/api/chat").handler(inference::chat);
        r.post("/api/embed").handler(inference::embed);
        r.post("/api/embeddings").handler(inference::legacyEmbeddings);
        r.post("/v1/chat/completions").handler(inference::openAiChat);
        r.post("/v1/embeddings").handler(inference::openAiEmbeddings);
        r.post("/v1/completions").handler(inference::openAiCompletion);
        r.get("/v1/models").handler(this::openAiModels);
        // gin's defaults (HandleMethodNotAllowed is on in routes.go)
        r.route().last().handler(ctx -> text(ctx, 404, "404 page not found"));
    }

    @Override
    protected void sendError(RoutingContext ctx, int status, String message) {
        gin(ctx, status, OllamaJson.error(message));
    }

    @Override
    protected void onStop() {
        loaded.clear();
    }

    static void gin(RoutingContext ctx, int status, ObjectNode body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                .end(Json.write(body));
    }

    private static void text(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(body);
    }

    /** A handler of a JSON object body; a request without one gets gin's 400. */
    private static Handler<RoutingContext> withBody(BiConsumer<RoutingContext, ObjectNode> handler) {
        return ctx -> {
            ObjectNode body = Json.parseObject(ctx.body().asString());
            if (body == null) {
                gin(ctx, 400, OllamaJson.error(ctx.body().length() == 0 ? "missing request body" : "invalid character in request body"));
                return;
            }
            handler.accept(ctx, body);
        };
    }

    /** The model a management request names: {@code model}, or the older {@code name}. */
    private static String modelName(ObjectNode body) {
        return body.path("model").asText(body.path("name").asText(""));
    }

    private void version(RoutingContext ctx) {
        ObjectNode v = Json.object();
        v.put("version", version);
        gin(ctx, 200, v);
    }

    private void tags(RoutingContext ctx) {
        ObjectNode out = Json.object();
        ArrayNode models = out.putArray("models");
        for (LocalModel m : store.all()) {
            ObjectNode o = models.addObject();
            o.put("name", m.name());
            o.put("model", m.name());
            o.put("modified_at", Json.goTime(m.modifiedAt()));
            o.put("size", m.manifest().size());
            o.put("digest", m.manifest().digest());
            o.set("details", OllamaJson.details(m.spec()));
            o.set("capabilities", capabilities(m.spec())); // types.go ListModelResponse, since v0.12.x
        }
        gin(ctx, 200, out);
    }

    /**
     * From v0.32.10 (commit 6cd40001a) a loading runner holds its {@code refMu} until it runs (sched.go), and
     * {@code loadedModels()} takes that lock for every runner, so {@code GET /api/ps} waits for every load in progress.
     * Older versions list the loading model at once.
     */
    private void ps(RoutingContext ctx) {
        if (psBlocksDuringLoad) {
            loaded.loadsInProgress().onComplete(ar -> {
                if (!ctx.response().closed()) {
                    psNow(ctx, loaded.all());
                }
            });
        } else {
            psNow(ctx, loaded.allWithLoading());
        }
    }

    private void psNow(RoutingContext ctx, List<LoadedModels.Loaded> all) {
        ObjectNode out = Json.object();
        ArrayNode models = out.putArray("models");
        for (LoadedModels.Loaded l : all) {
            ObjectNode o = models.addObject();
            o.put("name", l.model().name());
            o.put("model", l.model().name());
            o.put("size", l.size());
            o.put("digest", l.model().manifest().digest());
            o.set("details", OllamaJson.details(l.model().spec()));
            o.put("expires_at", Json.goTime(l.expiresAt()));
            o.put("size_vram", l.size()); // unified memory: all of it counts as GPU memory
            o.put("context_length", l.contextLength());
        }
        gin(ctx, 200, out);
    }

    private void pull(RoutingContext ctx, ObjectNode body) {
        String model = modelName(body);
        if (model.isBlank()) {
            gin(ctx, 400, OllamaJson.error("invalid model name"));
            return;
        }
        boolean stream = !body.has("stream") || body.get("stream").asBoolean(true);
        new PullOperation(vertx, ctx, registry, store, faults, pullBytesPerSecond, modelsPath, stream, model).start();
    }

    private void delete(RoutingContext ctx, ObjectNode body) {
        String model = modelName(body);
        Optional<LocalModel> m = store.find(model);
        if (m.isEmpty() || !store.delete(model)) {
            gin(ctx, 404, OllamaJson.error("model '" + model + "' not found"));
            return;
        }
        // routes.go DeleteHandler removes manifest and layers but leaves a loaded runner until its keep-alive ends
        ctx.response().setStatusCode(200).end();
    }

    private void copy(RoutingContext ctx, ObjectNode body) {
        String source = body.path("source").asText("");
        String destination = body.path("destination").asText("");
        if (destination.isBlank()) {
            gin(ctx, 400, OllamaJson.error("destination \"" + destination + "\" is invalid"));
            return;
        }
        if (!store.copy(source, destination)) {
            gin(ctx, 404, OllamaJson.error("model \"" + source + "\" not found"));
            return;
        }
        ctx.response().setStatusCode(200).end();
    }

    private void show(RoutingContext ctx, ObjectNode body) {
        String model = modelName(body);
        if (model.isBlank()) {
            gin(ctx, 400, OllamaJson.error("model is required"));
            return;
        }
        Optional<LocalModel> found = store.find(model);
        if (found.isEmpty()) {
            gin(ctx, 404, OllamaJson.error("model '" + model + "' not found"));
            return;
        }
        OllamaModelSpec spec = found.get().spec();
        ObjectNode out = Json.object();
        if (!spec.embeddingOnly()) {
            out.put("license", "Simulated license text for " + spec.name());
        }
        out.put("modelfile", "# Modelfile generated by \"ollama show\"\n# To build a new Modelfile based on this, replace FROM with:\n# FROM "
                + spec.name() + "\n\nFROM " + store.disk().path() + "/blobs/" + found.get().manifest().layers().get(0).digest().replace(':', '-') + "\n");
        out.put("parameters", spec.embeddingOnly() ? "num_ctx                        " + spec.contextLength()
                : "stop                           \"<|eot_id|>\"");
        if (!spec.embeddingOnly()) {
            out.put("template", "{{ .Prompt }}");
        }
        out.set("details", OllamaJson.details(spec));
        ObjectNode info = out.putObject("model_info");
        info.put("general.architecture", spec.family());
        info.put("general.parameter_count", parameterCount(spec.parameterSize()));
        info.put(spec.family() + ".context_length", spec.contextLength());
        info.put(spec.family() + ".embedding_length", spec.embeddingLength());
        out.set("capabilities", capabilities(spec));
        out.put("modified_at", Json.goTime(found.get().modifiedAt()));
        gin(ctx, 200, out);
    }

    /** What the model can do (types.go Capability*): thinking models also take tools, as qwen3 and gpt-oss do. */
    static ArrayNode capabilities(OllamaModelSpec spec) {
        ArrayNode caps = Json.array();
        if (spec.embeddingOnly()) {
            caps.add("embedding");
        } else {
            caps.add("completion");
        }
        if (spec.thinking()) {
            caps.add("tools");
            caps.add("thinking");
        }
        return caps;
    }

    private void openAiModels(RoutingContext ctx) {
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (LocalModel m : store.all()) {
            ObjectNode o = data.addObject();
            o.put("id", m.name());
            o.put("object", "model");
            o.put("created", m.modifiedAt().getEpochSecond());
            int slash = m.name().lastIndexOf('/');
            o.put("owned_by", slash < 0 ? "library" : m.name().substring(0, slash).replaceFirst("^.*/", ""));
        }
        if (data.isEmpty()) {
            out.putNull("data"); // Go marshals the nil slice of an empty list as null
        }
        gin(ctx, 200, out);
    }

    private static long parameterCount(String size) {
        try {
            double n = Double.parseDouble(size.substring(0, size.length() - 1));
            char unit = size.charAt(size.length() - 1);
            return Math.round(n * (unit == 'B' ? 1e9 : unit == 'M' ? 1e6 : 1));
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
