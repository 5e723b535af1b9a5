package dev.sparkd.router.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sparkd.services.config.ConfigTable;
import dev.sparkd.services.config.Listen;
import dev.sparkd.services.config.SectionSchema;
import dev.sparkd.services.config.ServiceKind;
import dev.sparkd.services.config.Suggestions;
import dev.sparkd.services.config.SuiteConfig;

/** Reads {@code [router]}; registered for the shared loader in {@code META-INF/services}. */
public final class RouterSchema implements SectionSchema<RouterSettings> {
    public static final int DEFAULT_PORT = 8470;
    static final List<String> STRATEGIES = List.of("priority", "round_robin", "least_outstanding", "latency", "load_aware");

    @Override
    public String section() {
        return "router";
    }

    @Override
    public String daemon() {
        return "router";
    }

    @Override
    public Class<RouterSettings> type() {
        return RouterSettings.class;
    }

    @Override
    public RouterSettings read(ConfigTable t, SuiteConfig core) {
        Listen listen = Listen.read(t, "listen", DEFAULT_PORT);
        boolean keyless = t.bool("allow_keyless", false);
        if (keyless && !listen.isLoopback()) {
            t.error("allow_keyless", "keyless access on a non-loopback address (" + listen + ") lets anyone on the network spend your budget",
                    "listen on 127.0.0.1, or create API keys with `router keys create`");
        }
        Map<String, RouterSettings.Route> routes = new LinkedHashMap<>();
        t.namedTables("routes").forEach((name, r) -> {
            List<RouterSettings.Target> targets = new ArrayList<>();
            for (String spec : r.strings("targets")) {
                int colon = spec.indexOf(':');
                String service = colon < 0 ? spec : spec.substring(0, colon);
                String model = colon < 0 ? "" : spec.substring(colon + 1);
                var def = core.service(service);
                if (def.isEmpty()) {
                    r.error("targets", "target \"" + spec + "\" names no service \"" + service + "\"",
                            Suggestions.hint(service, core.services().keySet()));
                } else if (def.get().kind() == ServiceKind.TCP || def.get().kind() == ServiceKind.HTTP) {
                    r.error("targets", "target \"" + spec + "\" is a " + def.get().kind().key() + " service, which does not serve models",
                            "route to ollama, vllm, llamacpp or openai services");
                } else {
                    targets.add(new RouterSettings.Target(service, model));
                }
            }
            if (!r.has("targets")) {
                r.error(null, "a route needs `targets`", "e.g. targets = [\"vllm-1\", \"ollama-1:llama3.2:3b\"]");
            }
            String strategy = r.choice("strategy", STRATEGIES).orElse("priority");
            boolean localOnly = r.bool("local_only", false);
            if (localOnly) {
                targets.stream().filter(x -> core.services().get(x.service()).isCloud()).forEach(x ->
                        r.error("local_only", "route is local_only but target \"" + x + "\" is a cloud provider", "remove the cloud target or local_only"));
            }
            r.finish();
            routes.put(name, new RouterSettings.Route(name, List.copyOf(targets), strategy, localOnly));
        });
        t.finish();
        return new RouterSettings(listen, keyless, routes);
    }
}
