package dev.sparkd.mcp.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.sparkd.daemon.api.ListQuery;
import dev.sparkd.daemon.edge.AdminOnly;
import io.smallrye.mutiny.Uni;
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
            @QueryParam("since") String since, @QueryParam("limit") String limit) {
        return audit.find(blank(key), blank(server), ListQuery.since(since, Instant.now()), ListQuery.limit(limit, 100));
    }

    private static Optional<String> blank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
