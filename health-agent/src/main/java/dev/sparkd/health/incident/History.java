package dev.sparkd.health.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Uptime and timelines from one service's state changes (ordered by time). Time before the first known change is not
 * counted: uptime is the share of the <em>observed</em> part of the window in which the service was UP or DEGRADED.
 */
public final class History {
    private History() {
    }

    /** A stretch of one state. */
    public record Segment(@JsonProperty("state") String state, @JsonProperty("from") Instant from, @JsonProperty("to") Instant to) {
    }

    /** Segments covering [{@code from}, {@code to}] as far as known; changes before {@code from} set the opening state. */
    public static List<Segment> segments(List<StateChange> changes, Instant from, Instant to) {
        List<Segment> out = new ArrayList<>();
        String state = null;
        Instant start = null;
        for (StateChange c : changes) {
            Instant at = c.at.toInstant();
            if (at.isAfter(to)) {
                break;
            }
            if (!at.isAfter(from)) {
                state = c.state;
                start = from;
                continue;
            }
            if (state != null && !state.equals(c.state)) {
                out.add(new Segment(state, start, at));
                start = at;
            } else if (state == null) {
                start = at;
            }
            state = c.state;
        }
        if (state != null) {
            out.add(new Segment(state, start, to));
        }
        return out;
    }

    /** Percentage 0..100 of the observed window spent UP or DEGRADED; null when nothing was observed. */
    public static Double uptimePercent(List<StateChange> changes, Instant from, Instant to) {
        long total = 0;
        long up = 0;
        for (Segment s : segments(changes, from, to)) {
            long ms = Duration.between(s.from(), s.to()).toMillis();
            total += ms;
            if (s.state().equals("UP") || s.state().equals("DEGRADED")) {
                up += ms;
            }
        }
        if (total <= 0) {
            return null;
        }
        return Math.round(up * 100_000.0 / total) / 1000.0;
    }
}
