package dev.sparkd.simulator.ollama;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.config.OllamaModelSpec;
import dev.sparkd.simulator.config.SimConfigLoader;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultSet;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.http.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * One {@code POST /api/pull}, following ollama/ollama {@code server/images.go} (PullModel) and
 * {@code server/download.go}: "pulling manifest", then per blob "pulling &lt;digest[7:19]&gt;" lines every 60 ms with
 * digest/total/completed (one line with completed == total for a blob already present), "verifying sha256 digest",
 * "writing manifest", "removing unused layers" when an old version's blobs were dropped, and "success". Errors after
 * the first line arrive as an {@code {"error":"…"}} line under HTTP 200 ({@code routes.go} streamResponse). The pull is
 * bound to the request: a client that disconnects cancels it, and the bytes already downloaded stay for the next pull.
 */
final class PullOperation {
    private static final long TICK_MS = 60;

    private final Vertx vertx;
    private final RoutingContext ctx;
    private final OllamaRegistry registry;
    private final ModelStore store;
    private final FaultSet faults;
    private final long bytesPerSecond;
    private final String blobsPath;
    private final boolean stream;
    private final String name;
    private List<Layer> layers;
    private OllamaModelSpec spec;
    private Manifest manifest;
    private int layerIndex;
    private long lastTick;
    private long timer = -1;
    private boolean finished;
    private ObjectNode lastStatus;

    PullOperation(Vertx vertx, RoutingContext ctx, OllamaRegistry registry, ModelStore store, FaultSet faults,
                  long bytesPerSecond, String modelsPath, boolean stream, String name) {
        this.vertx = vertx;
        this.ctx = ctx;
        this.registry = registry;
        this.store = store;
        this.faults = faults;
        this.bytesPerSecond = Math.max(1, bytesPerSecond);
        this.blobsPath = modelsPath + "/blobs";
        this.stream = stream;
        this.name = SimConfigLoader.normalise(name);
    }

    void start() {
        if (stream) {
            ctx.response().setStatusCode(200).setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "application/x-ndjson");
        }
        ctx.response().closeHandler(v -> cancel());
        status("pulling manifest");
        Optional<OllamaModelSpec> found = registry.find(name);
        if (found.isEmpty()) {
            // the registry answers 404, which makeRequestWithRetry turns into os.ErrNotExist
            fail("pull model manifest: file does not exist");
            return;
        }
        spec = found.get();
        manifest = Manifest.of(spec);
        layers = manifest.layers();
        lastTick = System.nanoTime();
        timer = vertx.setPeriodic(TICK_MS, id -> tick());
        tick();
    }

    private void tick() {
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        long budget = (long) (bytesPerSecond * ((now - lastTick) / 1e9));
        lastTick = now;
        while (layerIndex < layers.size()) {
            Layer layer = layers.get(layerIndex);
            if (store.complete(layer)) {
                progress(layer, layer.size());
                layerIndex++;
                continue;
            }
            long present = store.bytesPresent(layer);
            long step = Math.min(budget, layer.size() - present);
            Optional<Fault> failAt = faults.get(FaultType.PULL_FAIL_AT);
            if (failAt.isPresent()) {
                long limit = (long) (manifest.size() * failAt.get().doubleParam("percent", 50) / 100.0);
                long before = bytesDone();
                if (before + step >= limit) {
                    step = Math.max(0, limit - before);
                    if (store.addBytes(layer, step)) {
                        progress(layer, store.bytesPresent(layer));
                    }
                    fail(failAt.get().stringParam("message",
                            "max retries exceeded: Get \"https://registry.ollama.ai/v2/library/" + spec.name().replace(':', '/')
                                    + "/blobs/" + layer.digest() + "\": unexpected EOF"));
                    return;
                }
            }
            if (!store.addBytes(layer, step)) {
                // what the blob write returns when the device is full (download.go returns ENOSPC at once)
                fail("write " + blobsPath + "/" + layer.digest().replace(':', '-') + "-partial: no space left on device");
                return;
            }
            progress(layer, store.bytesPresent(layer));
            if (!store.complete(layer)) {
                return; // budget spent; continue on the next tick
            }
            budget -= step;
            layerIndex++;
        }
        finishPull();
    }

    private long bytesDone() {
        return layers.stream().mapToLong(l -> Math.min(l.size(), store.bytesPresent(l))).sum();
    }

    private void finishPull() {
        cancelTimer();
        status("verifying sha256 digest");
        status("writing manifest");
        if (store.writeManifest(spec.name(), spec, manifest)) {
            status("removing unused layers");
        }
        status("success");
        finished = true;
        if (stream) {
            ctx.response().end();
        } else {
            send(200, lastStatus);
        }
    }

    private void progress(Layer layer, long completed) {
        ObjectNode line = Json.object();
        line.put("status", "pulling " + layer.shortDigest());
        line.put("digest", layer.digest());
        line.put("total", layer.size());
        if (completed > 0) {
            line.put("completed", completed); // Go's omitempty drops a zero
        }
        emit(line);
    }

    private void status(String text) {
        ObjectNode line = Json.object();
        line.put("status", text);
        emit(line);
    }

    private void emit(ObjectNode line) {
        lastStatus = line;
        if (stream && !ctx.response().closed()) {
            ctx.response().write(Json.write(line) + "\n");
        }
    }

    private void fail(String message) {
        cancelTimer();
        finished = true;
        ObjectNode error = Json.object();
        error.put("error", message);
        if (stream) {
            if (!ctx.response().closed()) {
                ctx.response().end(Json.write(error) + "\n");
            }
        } else {
            send(500, error);
        }
    }

    private void send(int status, ObjectNode body) {
        if (!ctx.response().closed()) {
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                    .end(Json.write(body));
        }
    }

    /** The client went away: stop downloading; what was downloaded stays on disk for a later pull. */
    private void cancel() {
        if (!finished) {
            finished = true;
            cancelTimer();
        }
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
