package dev.sparkd.mcp.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import dev.sparkd.daemon.api.ApiError;
import dev.sparkd.daemon.edge.AdminOnly;
import dev.sparkd.core.config.Durations;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/audit?key=&server=&since=&limit=}: recent tool calls, newest first. */
@AdminOnly
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    private final AuditRepository audit;

    public AuditResource(AuditRepository audit) {
        this.audit = audit;
    }

    @GET
    public Uni<List<AuditRecord>> list(@QueryParam("key") String key, @QueryParam("server") String server,
            @QueryParam("since") String since, @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ApiError.badRequest("limit must be from 1 to 1000, found " + limit, "");
        }
        return audit.find(blank(key), blank(server), blank(since).map(AuditResource::instant), limit);
    }

    /** An ISO-8601 instant ({@code 2026-11-21T10:00:00Z}) or a duration ago ({@code 15m}). */
    static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Durations.parse(text).map(d -> Instant.now().minus(d)).orElseThrow(() -> ApiError.badRequest(
                    "since must be an instant like 2026-11-21T10:00:00Z or a duration like 15m, found \"" + text + "\"", ""));
        }
    }

    private static Optional<String> blank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
