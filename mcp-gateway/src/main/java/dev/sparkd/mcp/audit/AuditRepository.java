package dev.sparkd.mcp.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads and writes {@code mcp_gateway.tool_calls} ({@link ToolCallRow}). */
@ApplicationScoped
@WithSession
public class AuditRepository implements PanacheRepository<ToolCallRow> {

    /** Persists the batch (the caller owns the transaction). */
    public Uni<Void> insertAll(List<AuditEntry> entries) {
        List<ToolCallRow> rows = new ArrayList<>(entries.size());
        for (AuditEntry e : entries) {
            rows.add(new ToolCallRow(e));
        }
        return persist(rows);
    }

    /** Deletes the calls made before {@code before} (the caller owns the transaction); answers how many. */
    public Uni<Long> deleteBefore(Instant before) {
        return delete("calledAt < ?1", OffsetDateTime.ofInstant(before, ZoneOffset.UTC));
    }

    /** Newest first, filtered by key id, server and time when given. */
    public Uni<List<AuditRecord>> find(Optional<String> keyId, Optional<String> server, Optional<Instant> since, int limit) {
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        keyId.ifPresent(k -> {
            where.add("keyId = :key");
            params.and("key", k);
        });
        server.ifPresent(s -> {
            where.add("server = :server");
            params.and("server", s);
        });
        since.ifPresent(t -> {
            where.add("calledAt >= :since");
            params.and("since", OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
        });
        String query = (where.isEmpty() ? "" : String.join(" and ", where) + " ") + "order by calledAt desc, id desc";
        return find(query, params).page(0, limit).list().map(rows -> rows.stream().map(ToolCallRow::toRecord).toList());
    }
}
