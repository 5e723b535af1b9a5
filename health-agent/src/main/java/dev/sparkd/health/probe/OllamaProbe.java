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
 * {@code server/routes.go}). Only the two cheap endpoints decide UP or DOWN: from v0.32.10 {@code /api/ps} waits for
 * every model load in progress (server/sched.go), 10–60 s on a GB10, so a slow or failed {@code /api/ps} means
 * "a model is loading" — UP, with that reason — not a dead server.
 */
public final class OllamaProbe extends Probe {

    public OllamaProbe(ServiceDef service, BackendHttp http, HealthSettings settings) {
        super(service, http, settings);
    }

    @Override
    protected Uni<ProbeResult> probe() {
        return Uni.combine().all().unis(get("/"), get("/api/version"), extra("/api/ps"), extra("/api/tags")).asTuple().map(t -> {
            Answer root = t.getItem1();
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
            List<RunningModel> ps = busy == null ? ps(t.getItem3().answer()) : null;
            JsonNode tags = t.getItem4().failure() == null ? json("/api/tags", t.getItem4().answer()).path("models") : null;
            List<String> loaded = null;
            if (ps != null) {
                loaded = new ArrayList<>(ps.size());
                for (RunningModel m : ps) {
                    loaded.add(m.name());
                }
            }
            Load load = new Load(null, null, null, loaded, ps == null ? null : OllamaPs.vramBytes(ps),
                    tags != null && tags.isArray() ? tags.size() : null, null, null, null, version);
            ProbeResult up = speed(ProbeResult.up(root.latency(), root.status(), load));
            if (busy != null && up.state() == State.UP) {
                return new ProbeResult(State.UP, "model loading (" + busy + ")", up.latency(), up.httpStatus(), false, load, up.at(), null);
            }
            return up;
        });
    }

    /** An answer or why there was none; {@code /api/ps} and {@code /api/tags} never decide the state on their own. */
    private record Extra(Answer answer, String failure) {
    }

    private Uni<Extra> extra(String path) {
        return get(path).map(a -> a.status() == 200 ? new Extra(a, null) : new Extra(null, "GET " + path + " answered " + a.status()))
                .onFailure().recoverWithItem(e -> new Extra(null, e.getMessage()));
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
