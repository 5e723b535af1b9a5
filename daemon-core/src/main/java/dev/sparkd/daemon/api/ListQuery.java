package dev.sparkd.daemon.api;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import dev.sparkd.core.config.Durations;

/**
 * The query parameters the history lists share ({@code /api/v1/incidents}, {@code /api/v1/audit}, the router's
 * {@code /api/v1/usage}): {@code since}, an RFC 3339 time, a date (its start, UTC) or a duration back from now, and
 * {@code limit}, 1 to {@value #MAX_LIMIT} rows. Wrong values answer 400
 * (both arrive as text: a JAX-RS {@code int} parameter that does not parse answers 404).
 */
public final class ListQuery {
    public static final int MAX_LIMIT = 1000;
    /** PostgreSQL's timestamptz holds years up to 294276; a time outside years 1-9999 is a mistake, not a query. */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private ListQuery() {
    }

    /**
     * {@code since} as an instant ({@code 2026-01-31T00:00:00Z}, {@code 2026-01-31} at 00:00 UTC, or {@code 24h} before
     * {@code now}); empty when not given.
     */
    public static Optional<Instant> since(String text, Instant now) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        Instant since;
        try {
            Optional<Instant> ago = Durations.parse(text).map(now::minus);
            since = ago.isPresent() ? ago.get()
                    : text.length() == 10 ? LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC)
                    : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException | ArithmeticException e) { // not a time, or a duration back beyond what an instant holds
            since = null;
        }
        if (since == null || since.isBefore(EARLIEST) || since.isAfter(LATEST)) {
            throw ApiError.badRequest("since must be an RFC 3339 time or a date (years 1 to 9999), or a duration, found \""
                    + (text.length() > 80 ? text.substring(0, 80) + "…" : text) + "\"",
                    "e.g. ?since=24h, ?since=2026-01-31 or ?since=2026-01-31T00:00:00Z");
        }
        return Optional.of(since);
    }

    /** {@code limit} as given ({@code fallback} when absent), checked to be a number from 1 to {@value #MAX_LIMIT}. */
    public static int limit(String text, int fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        int limit;
        try {
            limit = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiError.badRequest("limit must be a number from 1 to " + MAX_LIMIT + ", found \""
                    + (text.length() > 20 ? text.substring(0, 20) + "…" : text) + "\"", "e.g. ?limit=50");
        }
        return limit;
    }
}
