package dev.sparkd.health.config;

import java.time.Duration;

import dev.sparkd.services.config.DaemonSettings;
import dev.sparkd.services.config.Listen;

/**
 * {@code [health]}: how often and how strictly the health-agent probes.
 *
 * @param interval          time between probes of each service
 * @param handshakeInterval time between inference handshakes (a tiny generation) per service
 * @param timeout           per-probe timeout
 * @param failureThreshold  consecutive failures before a service leaves UP
 * @param successThreshold  consecutive successes before it returns to UP
 * @param retention         how long incidents and state history are kept
 */
public record HealthSettings(Listen listen, Duration interval, Duration handshakeInterval, Duration timeout,
        int failureThreshold, int successThreshold, Duration retention) implements DaemonSettings {
}
