package dev.sparkd.daemon.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import dev.sparkd.core.config.Durations;

/**
 * The query parameters the history lists share ({@code /api/v1/incidents}, {@code /api/v1/audit}): {@code since}, an
 * RFC 3339 time or a duration back from now, and {@code limit}, 1 to {@value #MAX_LIMIT} rows. Wrong values answer 400.
 */
public final class ListQuery {
    public static final int MAX_LIMIT = 1000;

    private ListQuery() {
    }

    /** {@code since} as an instant ({@code 2026-01-31T00:00:00Z}, or {@code 24h} before {@code now}); empty when not given. */
    public static Optional<Instant> since(String text, Instant now) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        Optional<Instant> ago = Durations.parse(text).map(now::minus);
        if (ago.isPresent()) {
            return ago;
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("since must be an RFC 3339 time or a duration, found \"" + text + "\"",
                    "e.g. ?since=24h or ?since=2026-01-31T00:00:00Z");
        }
    }

    /** {@code limit}, checked to be 1 to {@value #MAX_LIMIT}. */
    public static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiError.badRequest("limit must be from 1 to " + MAX_LIMIT + ", found " + limit, "e.g. ?limit=50");
        }
        return limit;
    }
}
