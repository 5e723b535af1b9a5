package dev.sparkd.router.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import dev.sparkd.daemon.api.ApiError;
import dev.sparkd.daemon.api.ListQuery;
import dev.sparkd.daemon.edge.AdminOnly;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/usage?group_by=provider|key|route|target&since=}: requests, tokens and cost ({@link ListQuery#since}). */
@AdminOnly
@Path("/api/v1/usage")
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {
    private final LedgerRepository repository;
    private final Ledger ledger;

    public UsageResource(LedgerRepository repository, Ledger ledger) {
        this.repository = repository;
        this.ledger = ledger;
    }

    @GET
    public Uni<Map<String, Object>> usage(@QueryParam("group_by") @DefaultValue("provider") String groupBy, @QueryParam("since") String since) {
        if (!LedgerRepository.GROUPS.containsKey(groupBy)) {
            throw ApiError.badRequest("group_by must be one of provider, key, route, target; found \"" + groupBy + "\"",
                    "e.g. /api/v1/usage?group_by=provider");
        }
        Instant from = ListQuery.since(since, Instant.now())
                .orElseGet(() -> LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        return repository.usage(groupBy, from).map(rows -> Map.<String, Object>of("group_by", groupBy, "since", from.toString(),
                "pending", ledger.counts().pending(), "groups", (List<UsageRow>) rows));
    }

}
