package dev.sparkd.simulator.control;

import java.time.Instant;

/**
 * One request a simulated server received.
 *
 * @param status 0 when no response was sent (a hang, or the client gave up)
 */
public record RequestRecord(String service, String method, String path, int status, Instant time, long durationMillis) {
}
