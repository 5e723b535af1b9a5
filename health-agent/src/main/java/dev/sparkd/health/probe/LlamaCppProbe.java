package dev.sparkd.health.probe;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.state.State;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.http.BackendHttp;
import dev.sparkd.core.prometheus.LlamaCppMetrics;
import dev.sparkd.core.prometheus.PrometheusText;
import io.smallrye.mutiny.Uni;

/**
 * llama.cpp server: {@code /health} answers 503 "Loading model" while loading and 200 {@code {"status":"ok"}} when
 * ready; {@code /slots} shows busy slots; {@code /metrics} (with {@code --metrics}) the deferred requests
 * (ggml-org/llama.cpp {@code tools/server/README.md}).
 */
public final class LlamaCppProbe extends Probe {

    public LlamaCppProbe(ServiceDef service, BackendHttp http, HealthSettings settings) {
        super(service, http, settings);
    }

    @Override
    protected Uni<ProbeResult> probe() {
        return get("/health").chain(health -> {
            if (health.status() == 503 && health.body().toLowerCase(Locale.ROOT).contains("loading model")) {
                return Uni.createFrom().item(ProbeResult.of(State.LOADING, "loading model (/health answered 503 \"Loading model\")",
                        health.latency(), 503, Load.NONE));
            }
            if (health.status() != 200) {
                return Uni.createFrom().item(ProbeResult.of(State.DOWN, "GET /health answered " + health.status()
                        + (health.body().isBlank() ? "" : " (" + snippet(health.body()) + ")"), health.latency(), health.status(), Load.NONE));
            }
            JsonNode status = json("/health", health);
            if (!"ok".equals(status.path("status").asText())) {
                return Uni.createFrom().item(ProbeResult.of(State.DOWN, "GET /health answered 200 without status ok ("
                        + snippet(health.body()) + ")", health.latency(), 200, Load.NONE));
            }
            Uni<Answer> metrics = get("/metrics").onFailure().recoverWithNull();
            Uni<Answer> slots = get("/slots").onFailure().recoverWithNull();
            return Uni.combine().all().unis(slots, metrics).asTuple().map(t -> evaluate(health, t.getItem1(), t.getItem2()));
        });
    }

    private ProbeResult evaluate(Answer health, Answer slots, Answer metrics) {
        Integer busy = null;
        Integer total = null;
        if (slots != null && slots.status() == 200) {
            JsonNode array = json("/slots", slots);
            busy = 0;
            total = array.size();
            for (JsonNode slot : array) {
                if (slot.path("is_processing").asBoolean(false)) {
                    busy++;
                }
            }
        }
        Double deferred = null;
        if (metrics != null && metrics.status() == 200) {
            LlamaCppMetrics m = LlamaCppMetrics.from(PrometheusText.parse(metrics.body()));
            deferred = m.requestsDeferred().isPresent() ? m.requestsDeferred().getAsDouble() : null;
        }
        Load load = new Load(deferred, busy == null ? null : busy.doubleValue(), null, null, null, null, null, busy, total, null);
        ProbeResult result = ProbeResult.up(health.latency(), health.status(), load);
        if (deferred != null && thresholds.maxQueue().isPresent() && deferred > thresholds.maxQueue().getAsDouble()) {
            return result.with(State.DEGRADED, "queue depth " + number(deferred) + " > " + number(thresholds.maxQueue().getAsDouble()));
        }
        return speed(result);
    }
}
