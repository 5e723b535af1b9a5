package dev.sparkd.models.engine;

import java.time.Duration;

/**
 * Timings that are fixed in production and shortened in tests.
 *
 * @param pullIdle        longest silence in a pull stream (Ollama re-hashes blobs silently: minutes)
 * @param pullAttempts    tries per pull within one reconcile (each resumes the partial download)
 * @param pullBackoff     wait before the second try, doubled for each further one
 * @param verifyTimeout   how long the verification generation may take (includes loading the model)
 * @param gatePoll        how often a swap's health gate looks at the container and the port
 */
public record Tuning(Duration pullIdle, int pullAttempts, Duration pullBackoff, Duration verifyTimeout, Duration gatePoll) {
    public static Tuning production() {
        return new Tuning(Duration.ofMinutes(15), 4, Duration.ofSeconds(10), Duration.ofMinutes(6), Duration.ofSeconds(3));
    }
}
