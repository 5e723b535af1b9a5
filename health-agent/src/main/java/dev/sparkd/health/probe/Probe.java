package dev.sparkd.health.probe;

import java.time.Duration;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.state.State;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.http.BackendHttp;
import dev.sparkd.core.http.BackendRequest;
import io.smallrye.mutiny.Uni;

/** One service's probe: what "healthy" means for its kind. Runs on the event loop; never blocks. */
public abstract class Probe {
    static final ObjectMapper JSON = new ObjectMapper();

    protected final ServiceDef service;
    /** This service's HTTP client (a view of the fleet's shared pool); null for TCP services. */
    protected final BackendHttp http;
    protected final Duration timeout;
    protected final Duration slow;
    protected final HealthSettings.Thresholds thresholds;

    protected Probe(ServiceDef service, BackendHttp http, HealthSettings settings) {
        this.service = service;
        this.http = http;
        // The shorter of the service's own timeout and [health] timeout.
        this.timeout = service.timeout().compareTo(settings.timeout()) < 0 ? service.timeout() : settings.timeout();
        this.slow = settings.slowResponse();
        this.thresholds = settings.thresholds(service.name());
    }

    /** Probes once; never fails: a failure is a {@link ProbeResult} with a reason. */
    public final Uni<ProbeResult> run() {
        return Uni.createFrom().deferred(this::probe)
                .onFailure(ProbeFailure.class).recoverWithItem(f -> ProbeResult.failed((ProbeFailure) f))
                .onFailure().recoverWithItem(t -> ProbeResult.of(State.DOWN, "probe failed: " + t.getClass().getSimpleName()
                        + (t.getMessage() == null ? "" : " (" + t.getMessage() + ")"), null, 0, Load.NONE));
    }

    protected abstract Uni<ProbeResult> probe();

    protected Uni<Answer> get(String path) {
        BackendRequest request = BackendRequest.get(path);
        if (service.kind().isModelServer() && service.apiKey().isPresent()) {
            // the key a vLLM or llama.cpp started with --api-key requires (read at use: a rotated file applies)
            request = request.withHeader("Authorization", "Bearer " + service.apiKey().get().resolve());
        }
        return send(request);
    }

    /** Sends one request under this probe's deadline; no answer fails with a {@link ProbeFailure} naming why. */
    protected Uni<Answer> send(BackendRequest request) {
        return http.call(request, timeout).map(Answer::new)
                .onFailure().transform(t -> ProbeFailure.of(request.describe(), t, timeout));
    }

    /** Parses JSON, failing with a reason that names the path when the body is not JSON (the "garbage" case). */
    protected static JsonNode json(String path, Answer answer) {
        try {
            JsonNode node = JSON.readTree(answer.body());
            if (node == null || node.isMissingNode()) {
                throw new ProbeFailure(ProbeFailure.Kind.ERROR, "GET " + path + ": empty body, expected JSON");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new ProbeFailure(ProbeFailure.Kind.ERROR, "GET " + path + ": answered " + answer.status()
                    + " with a body that is not JSON (" + snippet(answer.body()) + ")");
        }
    }

    protected static String snippet(String body) {
        String s = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /** UP, or DEGRADED when the health answer was slower than {@code slow_response}. */
    protected ProbeResult speed(ProbeResult result) {
        if (result.state() == State.UP && result.latency() != null && result.latency().compareTo(slow) > 0) {
            return result.with(State.DEGRADED, "slow: answered in " + Elapsed.human(result.latency()) + " > "
                    + Elapsed.human(slow));
        }
        return result;
    }

    protected static String percent(double ratio) {
        return Math.round(ratio * 100) + "%";
    }

    protected static String number(double n) {
        return n == Math.rint(n) ? Long.toString((long) n) : String.format(Locale.ROOT, "%.2f", n);
    }
}
