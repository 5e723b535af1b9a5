package dev.sparkd.models.engine;

import java.util.Optional;

/** Checks that a freshly pulled model answers. Returns the reason it failed, or empty when it answered. */
@FunctionalInterface
public interface Verifier {
    Optional<String> verify(String service, String model, Optional<String> prompt);
}
