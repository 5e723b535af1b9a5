package dev.sparkd.doctor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.sparkd.core.config.SecretRef;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.fleet.Fleet;
import dev.sparkd.health.fleet.FleetEvents;
import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.handshake.Handshake;
import io.vertx.mutiny.core.Vertx;

/**
 * Every service, probed once by the health-agent's own per-kind probes (so "the kind matches what answers" means
 * exactly what the agent will judge: an Ollama probe on a vLLM port fails with the reason). A cloud service whose API
 * key cannot be read is reported as such and not probed.
 */
final class ServiceChecks {

    /** The checks, and which services are up (UP or DEGRADED) for the route checks. */
    record Result(List<Check> checks, Set<String> up, Map<String, String> why) {
    }

    private ServiceChecks() {
    }

    static Result run(SuiteConfig config, Vertx vertx) {
        Map<String, Check> checks = new TreeMap<>();
        Map<String, String> why = new LinkedHashMap<>();
        Map<String, ServiceDef> probed = new LinkedHashMap<>();
        for (ServiceDef def : config.services().values()) {
            Optional<String> keyProblem = def.apiKey().flatMap(ServiceChecks::unreadable);
            if (keyProblem.isPresent()) {
                checks.put(def.name(), Check.problem("service " + def.name(), "API key unreadable: " + keyProblem.get(), keyFix(def.apiKey().get())));
                why.put(def.name(), "API key unreadable");
            } else {
                probed.put(def.name(), def);
            }
        }
        HealthSettings settings = config.section(HealthSettings.class);
        SuiteConfig toProbe = new SuiteConfig(config.file(), config.suite(), config.database(), config.hosts(), probed, config.sections());
        Set<String> up = new TreeSet<>();
        try (Handshake handshake = new Handshake(vertx.getDelegate(), settings);
                Fleet fleet = new Fleet(vertx, toProbe, settings, handshake, FleetEvents.NONE, s -> Optional.empty(), Instant.EPOCH)) {
            List<ServiceStatus> statuses = fleet.probeAll().await().atMost(settings.timeout().multipliedBy(3).plusSeconds(5));
            for (ServiceStatus s : statuses) {
                ServiceDef def = probed.get(s.name());
                String at = def.baseUri().toString();
                if (s.available()) {
                    up.add(s.name());
                    checks.put(s.name(), Check.ok("service " + s.name(), def.kind().key() + " at " + at + " " + s.state()
                            + (s.latencyMs() == null ? "" : " in " + Math.round(s.latencyMs()) + " ms")
                            + (s.reason() == null || s.reason().isBlank() ? "" : " (" + s.reason() + ")")));
                } else {
                    String state = s.state() == null ? ServiceStatus.UNKNOWN : s.state();
                    why.put(s.name(), state);
                    checks.put(s.name(), Check.problem("service " + s.name(), def.kind().key() + " at " + at + " " + state
                            + (s.reason() == null ? "" : ": " + s.reason()), fix(def, s)));
                }
            }
        }
        return new Result(new ArrayList<>(checks.values()), up, why);
    }

    private static Optional<String> unreadable(SecretRef key) {
        try {
            key.resolve();
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage().replaceFirst(" — .*", ""));
        }
    }

    private static String keyFix(SecretRef key) {
        return key.filePath().map(f -> "put the provider's API key in " + f + " (one line, chmod 600, readable by the daemons' user)")
                .orElseGet(() -> "set " + key.envName().orElse("the variable") + " in the daemons' environment (systemd: Environment= or LoadCredential=)");
    }

    private static String fix(ServiceDef def, ServiceStatus s) {
        String reason = s.reason() == null ? "" : s.reason().toLowerCase(Locale.ROOT);
        String where = def.host().map(h -> " on host " + h).orElse("");
        if ("LOADING".equals(s.state())) {
            return "wait until it has loaded, then run the doctor again";
        }
        if (reason.contains("refused") || reason.contains("closed") || reason.contains("timed out") || reason.contains("no answer")) {
            return "start " + def.name() + where + " (it should answer at " + def.baseUri() + "), or correct host/port of [services."
                    + def.name() + "]";
        }
        if (reason.contains("401") || reason.contains("403") || reason.contains("key")) {
            return "check the API key " + def.apiKey().map(Object::toString).orElse("") + " with the provider";
        }
        return "check what answers at " + def.baseUri() + ": is it a " + def.kind().key() + " server (kind = \"" + def.kind().key()
                + "\" in [services." + def.name() + "])?";
    }
}
