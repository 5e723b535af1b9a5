package dev.sparkd.health.probe;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.state.State;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.http.BackendHttp;
import dev.sparkd.core.prometheus.PrometheusText;
import dev.sparkd.core.prometheus.VllmMetrics;
import io.smallrye.mutiny.Uni;

/**
 * vLLM: {@code /health} answers 200 with an empty body when up and 503 only when the engine is dead; while the model
 * loads the port is closed (the state machine turns that into LOADING within the start grace). {@code /v1/models}
 * must list the declared model; {@code /metrics} gives queue depth and KV-cache use under either metric name
 * (vllm-project/vllm {@code entrypoints/serve/instrumentator/health.py}, {@code v1/metrics/loggers.py}).
 */
public final class VllmProbe extends Probe {

    public VllmProbe(ServiceDef service, BackendHttp http, HealthSettings settings) {
        super(service, http, settings);
    }

    @Override
    protected Uni<ProbeResult> probe() {
        return get("/health").chain(health -> {
            if (health.status() == 503) {
                return Uni.createFrom().item(ProbeResult.of(State.DOWN, "engine dead: /health answered 503", health.latency(), 503, Load.NONE));
            }
            if (health.status() != 200) {
                return Uni.createFrom().item(ProbeResult.of(State.DOWN, "GET /health answered " + health.status(), health.latency(),
                        health.status(), Load.NONE));
            }
            Uni<Answer> metrics = get("/metrics").onFailure().recoverWithNull();
            return Uni.combine().all().unis(get("/v1/models"), metrics).asTuple().map(t -> evaluate(health, t.getItem1(), t.getItem2()));
        });
    }

    private ProbeResult evaluate(Answer health, Answer models, Answer metrics) {
        if (models.status() != 200) {
            return ProbeResult.of(State.DOWN, "GET /v1/models answered " + models.status(), health.latency(), health.status(), Load.NONE);
        }
        JsonNode data = json("/v1/models", models).path("data");
        List<String> served = new ArrayList<>();
        List<String> roots = new ArrayList<>();
        for (JsonNode card : data) {
            served.add(card.path("id").asText());
            roots.add(card.path("root").asText(""));
        }
        Double waiting = null;
        Double running = null;
        Double kv = null;
        if (metrics != null && metrics.status() == 200) {
            VllmMetrics m = VllmMetrics.from(PrometheusText.parse(metrics.body()));
            waiting = m.requestsWaiting().isPresent() ? m.requestsWaiting().getAsDouble() : null;
            running = m.requestsRunning().isPresent() ? m.requestsRunning().getAsDouble() : null;
            kv = m.kvCacheUsage().isPresent() ? m.kvCacheUsage().getAsDouble() : null;
        }
        Load load = new Load(waiting, running, kv, null, null, null, served, null, null, null);
        ProbeResult result = ProbeResult.up(health.latency(), health.status(), load);
        if (served.isEmpty()) {
            return result.with(State.DEGRADED, "/v1/models lists no model");
        }
        if (service.model().isPresent() && !served.contains(service.model().get()) && !roots.contains(service.model().get())) {
            return result.with(State.DEGRADED, "serves " + String.join(", ", served) + ", expected " + service.model().get());
        }
        if (waiting != null && thresholds.maxQueue().isPresent() && waiting > thresholds.maxQueue().getAsDouble()) {
            return result.with(State.DEGRADED, "queue depth " + number(waiting) + " > " + number(thresholds.maxQueue().getAsDouble()));
        }
        if (kv != null && thresholds.maxKvCache().isPresent() && kv > thresholds.maxKvCache().getAsDouble()) {
            return result.with(State.DEGRADED, "KV cache " + percent(kv) + " > " + percent(thresholds.maxKvCache().getAsDouble()));
        }
        return speed(result);
    }
}
