package dev.sparkd.simulator.generation;

import java.time.Duration;

/**
 * How fast a simulated model answers: time to first token and decode speed. Streaming servers wait
 * {@link #timeToFirstToken()} before the first token and {@link #interTokenDelay()} between the next ones;
 * non-streaming ones wait {@link #total(int)} before answering.
 */
public record Pace(Duration timeToFirstToken, double tokensPerSecond) {
    public static final Pace INSTANT = new Pace(Duration.ZERO, 0);

    public Duration interTokenDelay() {
        return tokensPerSecond <= 0 ? Duration.ZERO : Duration.ofNanos((long) (1_000_000_000L / tokensPerSecond));
    }

    public Duration total(int tokens) {
        return timeToFirstToken.plus(interTokenDelay().multipliedBy(Math.max(0, tokens - 1)));
    }
}
