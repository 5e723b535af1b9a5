package dev.sparkd.router.config;

import java.util.List;
import java.util.Map;

import dev.sparkd.services.config.DaemonSettings;
import dev.sparkd.services.config.Listen;

/**
 * {@code [router]}: the OpenAI-compatible endpoint and its routes.
 *
 * @param allowKeyless accept requests without an API key (only honoured on a loopback listener)
 * @param routes       what clients ask for as {@code model}, by name
 */
public record RouterSettings(Listen listen, boolean allowKeyless, Map<String, Route> routes) implements DaemonSettings {

    /** {@code [router.routes.<name>]}: ordered targets and how to pick among them. */
    public record Route(String name, List<Target> targets, String strategy, boolean localOnly) {
    }

    /** A target: {@code service} or {@code service:model} (the model name may itself contain ':'). */
    public record Target(String service, String model) {
        @Override
        public String toString() {
            return model.isEmpty() ? service : service + ":" + model;
        }
    }
}
