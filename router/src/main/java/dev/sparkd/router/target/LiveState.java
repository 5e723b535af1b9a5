package dev.sparkd.router.target;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.core.http.BackendHttp;
import dev.sparkd.core.http.BackendRequest;
import dev.sparkd.core.ollama.OllamaPs;
import dev.sparkd.core.ollama.RunningModel;
import dev.sparkd.core.prometheus.PrometheusText;
import dev.sparkd.core.prometheus.VllmMetrics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Refreshes live backend state in the background, never on the request path: reachability and the served model
 * ({@code /v1/models}), vLLM queue depth and KV-cache use ({@code /metrics}), Ollama's loaded models
 * ({@code /api/ps}). Cloud providers are not polled (their breaker tells).
 */
@Singleton
public class LiveState {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Vertx vertx;
    private final Targets targets;
    /** One backend client per upstream, over the upstream's own connection pool. */
    private final Map<String, BackendHttp> clients = new ConcurrentHashMap<>();
    private long timer = -1;

    public LiveState(Vertx vertx, Targets targets) {
        this.vertx = vertx;
        this.targets = targets;
    }

    void start(@Observes StartupEvent event) {
        long every = targets.settings().stateInterval().toMillis();
        refreshAll();
        timer = vertx.setPeriodic(every, id -> refreshAll());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One round over every local upstream; each call is independent and bounded by a short timeout. */
    public void refreshAll() {
        for (Upstream u : targets.upstreams()) {
            if (!u.cloud()) {
                refresh(u);
            }
        }
    }

    private void refresh(Upstream u) {
        get(u, u.path("/models"), true).subscribe().with(body -> {
            String served = null;
            try {
                JsonNode data = JSON.readTree(body.getBytes()).path("data");
                if (data.isArray() && data.size() > 0) {
                    served = data.get(0).path("id").asText(null);
                }
            } catch (Exception e) {
                // a model list we cannot read still proves the server answers
            }
            boolean was = u.reachable();
            u.markReachable(served);
            if (!was) {
                Log.infof("backend %s is reachable again", u.name());
            }
        }, e -> {
            if (e instanceof Loading) {
                // a swap or a model load in progress: drained until it answers again
                if (!u.loading()) {
                    Log.infof("backend %s is loading a model: no new requests until it is done", u.name());
                }
                u.markLoading(e.getMessage());
                return;
            }
            if (u.reachable()) {
                Log.warnf("backend %s is unreachable: %s", u.name(), e.getMessage());
            }
            u.markUnreachable(e.getMessage());
        });
        String root = u.path("").substring(0, u.path("").length() - 3);
        switch (u.kind()) {
            case VLLM -> get(u, root + "/metrics", false).subscribe().with(body -> {
                VllmMetrics m = VllmMetrics.from(PrometheusText.parse(body.toString()));
                u.load(m.requestsWaiting().orElse(0), m.requestsRunning().orElse(0), m.kvCacheUsage().orElse(0));
            }, e -> { });
            case OLLAMA -> get(u, root + "/api/ps", false).subscribe().with(body -> {
                Set<String> names = new HashSet<>();
                try {
                    for (RunningModel m : OllamaPs.parse(body.getBytes())) {
                        if (m.name() != null) {
                            names.add(m.name());
                        }
                        if (m.model() != null) {
                            names.add(m.model());
                        }
                    }
                } catch (IOException e) {
                    return;
                }
                u.loaded(names);
            }, e -> { });
            case LLAMACPP -> get(u, root + "/props", true).subscribe().with(body -> {
                // total_slots (--parallel): llama.cpp defers requests beyond it, so that is its capacity
                try {
                    u.reportSlots(JSON.readTree(body.getBytes()).path("total_slots").asInt(0));
                } catch (IOException e) {
                    // no slot count: no default limit
                }
            }, e -> { });
            default -> {
            }
        }
    }

    /** A 503 while the server loads its model (llama.cpp answers so; a swap shows it as the service's LOADING). */
    static final class Loading extends IllegalStateException {
        Loading(String message) {
            super(message);
        }
    }

    /** The body of a 200 answer; any other status, or no answer within the refresh interval, fails. */
    private Uni<Buffer> get(Upstream u, String path, boolean auth) {
        BackendRequest request = BackendRequest.get(path);
        String key = auth ? u.apiKey() : null;
        if (key != null) {
            request = request.withHeader("Authorization", "Bearer " + key);
        }
        Duration deadline = Duration.ofMillis(Math.max(500, targets.settings().stateInterval().toMillis()));
        return client(u).call(request, deadline).map(resp -> {
            if (resp.status() == 503 && resp.body().toString().contains("oading")) {
                throw new Loading("HTTP 503 on " + path + ": loading");
            }
            if (resp.status() != 200) {
                throw new IllegalStateException("HTTP " + resp.status() + " on " + path);
            }
            return resp.body();
        });
    }

    private BackendHttp client(Upstream u) {
        return clients.computeIfAbsent(u.name(), name -> {
            URI base = u.def().baseUri();
            try {
                URI origin = new URI(base.getScheme(), null, u.host(), u.port(), null, null, null);
                return BackendHttp.over(vertx, HttpClient.newInstance(u.client()), origin,
                        u.timeouts().connect());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("backend " + name + " has an unusable URI", e);
            }
        });
    }
}
