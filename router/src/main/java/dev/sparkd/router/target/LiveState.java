package dev.sparkd.router.target;

import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.core.prometheus.PrometheusText;
import dev.sparkd.core.prometheus.VllmMetrics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
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
        get(u, u.path("/models"), true).onSuccess(body -> {
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
        }).onFailure(e -> {
            if (u.reachable()) {
                Log.warnf("backend %s is unreachable: %s", u.name(), e.getMessage());
            }
            u.markUnreachable(e.getMessage());
        });
        String root = u.path("").substring(0, u.path("").length() - 3);
        switch (u.kind()) {
            case VLLM -> get(u, root + "/metrics", false).onSuccess(body -> {
                VllmMetrics m = VllmMetrics.from(PrometheusText.parse(body.toString()));
                u.load(m.requestsWaiting().orElse(0), m.requestsRunning().orElse(0), m.kvCacheUsage().orElse(0));
            });
            case OLLAMA -> get(u, root + "/api/ps", false).onSuccess(body -> {
                Set<String> names = new HashSet<>();
                try {
                    for (JsonNode m : JSON.readTree(body.getBytes()).path("models")) {
                        names.add(m.path("name").asText());
                        names.add(m.path("model").asText());
                    }
                } catch (Exception e) {
                    return;
                }
                u.loaded(names);
            });
            default -> {
            }
        }
    }

    private Future<Buffer> get(Upstream u, String path, boolean auth) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(u.host()).setPort(u.port())
                .setURI(path).setTimeout(Math.max(500, targets.settings().stateInterval().toMillis()));
        String key = auth ? u.apiKey() : null;
        if (key != null) {
            options.putHeader("Authorization", "Bearer " + key);
        }
        return u.client().request(options).compose(r -> r.send()).compose(resp -> {
            if (resp.statusCode() != 200) {
                return resp.body().compose(b -> Future.failedFuture("HTTP " + resp.statusCode() + " on " + path));
            }
            return resp.body();
        });
    }
}
