package dev.sparkd.health.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.state.State;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.http.BackendHttp;
import dev.sparkd.core.http.BackendRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;

/**
 * Cloud providers ({@code kind = "openai"}): {@code GET /v1/models} with the key, which costs no tokens. The key is
 * read from its file or variable on every probe (rotation applies) and never appears in a reason.
 */
public final class CloudProbe extends Probe {

    public CloudProbe(ServiceDef service, BackendHttp http, HealthSettings settings) {
        super(service, http, settings);
    }

    @Override
    protected Uni<ProbeResult> probe() {
        String key;
        try {
            key = service.apiKey().map(ref -> ref.resolve()).orElse(null);
        } catch (IllegalStateException e) {
            return Uni.createFrom().item(ProbeResult.of(State.DOWN, "API key unavailable: " + e.getMessage(), null, 0, Load.NONE));
        }
        boolean anthropic = "anthropic".equals(service.provider().orElse(""));
        Map<String, String> headers = key == null ? Map.of()
                : anthropic ? Map.of("x-api-key", key, "anthropic-version", "2023-06-01") : Map.of("Authorization", "Bearer " + key);
        String path = service.baseUri().getPath() != null && service.baseUri().getPath().endsWith("/v1") ? "/models" : "/v1/models";
        return send(new BackendRequest(HttpMethod.GET, path, headers, null)).map(a -> {
            if (a.status() == 401 || a.status() == 403) {
                return ProbeResult.of(State.DOWN, "API key rejected (" + a.status() + " from GET " + path + ")", a.latency(), a.status(), Load.NONE);
            }
            if (a.status() == 429) {
                return ProbeResult.of(State.DEGRADED, "rate limited (429 from GET " + path + ")", a.latency(), a.status(), Load.NONE);
            }
            if (a.status() != 200) {
                return ProbeResult.of(State.DOWN, "GET " + path + " answered " + a.status(), a.latency(), a.status(), Load.NONE);
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode m : json(path, a).path("data")) {
                ids.add(m.path("id").asText());
            }
            Load load = new Load(null, null, null, null, null, null, ids.size() > 50 ? ids.subList(0, 50) : ids, null, null, null);
            return speed(ProbeResult.up(a.latency(), a.status(), load));
        });
    }
}
