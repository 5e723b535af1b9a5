package dev.sparkd.health.probe;

import java.util.List;
import java.util.stream.Collectors;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.state.State;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.http.BackendHttp;
import io.smallrye.mutiny.Uni;

/** Any HTTP endpoint, judged by Gatus-style {@code conditions}; without conditions a 2xx answer is UP. */
public final class HttpProbe extends Probe {
    private final List<String> conditions;

    public HttpProbe(ServiceDef service, BackendHttp http, HealthSettings settings) {
        super(service, http, settings);
        this.conditions = service.conditions();
    }

    @Override
    protected Uni<ProbeResult> probe() {
        String path = service.baseUri().getRawPath() == null || service.baseUri().getRawPath().isEmpty() ? "/" : "";
        return get(path)
                .map(a -> judge(new Conditions.Context(true, a.status(), a.body(), a.latency(), a.certificateRemaining()))
                        .withCertificate(a.certificateRemaining()))
                .onFailure(ProbeFailure.class).recoverWithItem(f -> {
                    // [CONNECTED] == false is a legitimate condition: evaluate the rest against "no connection".
                    ProbeResult judged = judge(new Conditions.Context(false, 0, "", null, null));
                    return judged.state() == State.UP ? judged : ProbeResult.failed((ProbeFailure) f);
                });
    }

    private ProbeResult judge(Conditions.Context ctx) {
        if (conditions.isEmpty()) {
            // No conditions: an answer below 400 is UP (the common case, kept cheap).
            return ctx.connected() && ctx.status() >= 200 && ctx.status() < 400 ? speed(ProbeResult.up(ctx.responseTime(), ctx.status(), Load.NONE))
                    : ProbeResult.of(State.DOWN, ctx.connected() ? "answered " + ctx.status() : "no connection", ctx.responseTime(),
                            ctx.status(), Load.NONE);
        }
        List<Conditions.Outcome> outcomes = Conditions.evaluate(conditions, ctx);
        String failed = outcomes.stream().filter(o -> !o.success()).map(Conditions.Outcome::resolved).collect(Collectors.joining("; "));
        if (failed.isEmpty()) {
            return speed(ProbeResult.up(ctx.responseTime(), ctx.status(), Load.NONE));
        }
        return ProbeResult.of(State.DOWN, "condition failed: " + failed, ctx.responseTime(), ctx.status(), Load.NONE);
    }
}
