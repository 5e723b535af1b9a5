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
 * {@code server/routes.go}).
 */
public final class OllamaProbe extends Probe {

    public OllamaProbe(ServiceDef service, ProbeHttp http, HealthSettings settings) {
        super(service, http, settings);
    }

    @Override
    protected Uni<ProbeResult> probe() {
        return Uni.combine().all().unis(get("/"), get("/api/version"), get("/api/ps"), get("/api/tags")).asTuple().map(t -> {
            ProbeHttp.Answer root = t.getItem1();
            if (root.status() != 200) {
                return ProbeResult.of(State.DOWN, "GET / answered " + root.status(), root.latency(), root.status(), Load.NONE);
            }
            if (!root.body().contains("Ollama is running")) {
                return ProbeResult.of(State.DOWN, "GET / answered 200 but not \"Ollama is running\" (" + snippet(root.body()) + ")",
                        root.latency(), root.status(), Load.NONE);
            }
            for (var a : List.of(t.getItem2(), t.getItem3(), t.getItem4())) {
                if (a.status() != 200) {
                    String path = a == t.getItem2() ? "/api/version" : a == t.getItem3() ? "/api/ps" : "/api/tags";
                    return ProbeResult.of(State.DOWN, "GET " + path + " answered " + a.status(), root.latency(), root.status(), Load.NONE);
                }
            }
            String version = json("/api/version", t.getItem2()).path("version").asText(null);
            JsonNode ps = json("/api/ps", t.getItem3()).path("models");
            JsonNode tags = json("/api/tags", t.getItem4()).path("models");
            List<String> loaded = new ArrayList<>();
            long bytes = 0;
            for (JsonNode m : ps) {
                loaded.add(m.path("name").asText());
                bytes += m.path("size_vram").asLong(0);
            }
            Load load = new Load(null, null, null, loaded, bytes, tags.isArray() ? tags.size() : 0, null, null, null, version);
            return speed(ProbeResult.up(root.latency(), root.status(), load));
        });
    }
}
