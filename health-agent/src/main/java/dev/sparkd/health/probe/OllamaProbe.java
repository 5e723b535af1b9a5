package dev.sparkd.health.probe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.state.State;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.http.BackendHttp;
import dev.sparkd.core.ollama.OllamaPs;
import dev.sparkd.core.ollama.RunningModel;
import io.smallrye.mutiny.Uni;

/**
 * Ollama has no health endpoint: {@code GET /} must answer "Ollama is running", {@code /api/version} its version;
 * {@code /api/ps} gives the loaded models and their memory, {@code /api/tags} the installed ones (ollama/ollama
 * {@code server/routes.go}).
 */
public final class OllamaProbe extends Probe {

    public OllamaProbe(ServiceDef service, BackendHttp http, HealthSettings settings) {
        super(service, http, settings);
    }

    @Override
    protected Uni<ProbeResult> probe() {
        return Uni.combine().all().unis(get("/"), get("/api/version"), get("/api/ps"), get("/api/tags")).asTuple().map(t -> {
            Answer root = t.getItem1();
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
            List<RunningModel> ps = ps(t.getItem3());
            JsonNode tags = json("/api/tags", t.getItem4()).path("models");
            List<String> loaded = new ArrayList<>(ps.size());
            for (RunningModel m : ps) {
                loaded.add(m.name());
            }
            Load load = new Load(null, null, null, loaded, OllamaPs.vramBytes(ps), tags.isArray() ? tags.size() : 0, null, null, null, version);
            return speed(ProbeResult.up(root.latency(), root.status(), load));
        });
    }

    /** The loaded models, read in one pass by the shared {@code /api/ps} reader; unreadable bodies named as in {@link #json}. */
    private static List<RunningModel> ps(Answer answer) {
        try {
            return OllamaPs.parse(answer.bytes());
        } catch (JsonParseException e) {
            throw new ProbeFailure(ProbeFailure.Kind.ERROR, "GET /api/ps: answered " + answer.status()
                    + " with a body that is not JSON (" + snippet(answer.body()) + ")");
        } catch (IOException e) {
            if (answer.body().isBlank()) {
                throw new ProbeFailure(ProbeFailure.Kind.ERROR, "GET /api/ps: empty body, expected JSON");
            }
            throw new ProbeFailure(ProbeFailure.Kind.ERROR, "GET /api/ps: answered " + answer.status()
                    + " without a model list (" + snippet(answer.body()) + ")");
        }
    }
}
