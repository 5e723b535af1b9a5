package dev.sparkd.health.probe;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.state.State;
import dev.sparkd.core.config.ServiceDef;
import io.smallrye.mutiny.Uni;

/**
 * Ollama has no health endpoint: {@code GET /} must answer "Ollama is running", {@code /api/version} its version;
 * {@code /api/ps} gives the loaded models and their memory, {@code /api/tags} the installed ones (ollama/ollama
 * {@code server/routes.go}). Only the two cheap endpoints decide UP or DOWN: from v0.32.10 {@code /api/ps} waits for
 * every model load in progress (server/sched.go), 10–60 s on a GB10, so a slow or failed {@code /api/ps} means
 * "a model is loading" — UP, with that reason — not a dead server.
 */
public final class OllamaProbe extends Probe {

    public OllamaProbe(ServiceDef service, ProbeHttp http, HealthSettings settings) {
        super(service, http, settings);
    }

    @Override
    protected Uni<ProbeResult> probe() {
        return Uni.combine().all().unis(get("/"), get("/api/version"), extra("/api/ps"), extra("/api/tags")).asTuple().map(t -> {
            ProbeHttp.Answer root = t.getItem1();
            if (root.status() != 200) {
                return ProbeResult.of(State.DOWN, "GET / answered " + root.status(), root.latency(), root.status(), Load.NONE);
            }
            if (!root.body().contains("Ollama is running")) {
                return ProbeResult.of(State.DOWN, "GET / answered 200 but not \"Ollama is running\" (" + snippet(root.body()) + ")",
                        root.latency(), root.status(), Load.NONE);
            }
            if (t.getItem2().status() != 200) {
                return ProbeResult.of(State.DOWN, "GET /api/version answered " + t.getItem2().status(), root.latency(), root.status(), Load.NONE);
            }
            String version = json("/api/version", t.getItem2()).path("version").asText(null);
            String busy = t.getItem3().failure();
            JsonNode ps = busy == null ? json("/api/ps", t.getItem3().answer()).path("models") : null;
            JsonNode tags = t.getItem4().failure() == null ? json("/api/tags", t.getItem4().answer()).path("models") : null;
            List<String> loaded = new ArrayList<>();
            long bytes = 0;
            for (JsonNode m : ps == null ? List.<JsonNode>of() : ps) {
                loaded.add(m.path("name").asText());
                bytes += m.path("size_vram").asLong(0);
            }
            Load load = new Load(null, null, null, ps == null ? null : loaded, ps == null ? null : bytes,
                    tags != null && tags.isArray() ? tags.size() : null, null, null, null, version);
            ProbeResult up = speed(ProbeResult.up(root.latency(), root.status(), load));
            if (busy != null && up.state() == State.UP) {
                return new ProbeResult(State.UP, "model loading (" + busy + ")", up.latency(), up.httpStatus(), false, load,
                        up.at(), null);
            }
            return up;
        });
    }

    /** An answer or why there was none; {@code /api/ps} and {@code /api/tags} never decide the state on their own. */
    private record Extra(ProbeHttp.Answer answer, String failure) {
    }

    private Uni<Extra> extra(String path) {
        return get(path).map(a -> a.status() == 200 ? new Extra(a, null) : new Extra(null, "GET " + path + " answered " + a.status()))
                .onFailure().recoverWithItem(e -> new Extra(null, e.getMessage()));
    }
}
