package dev.sparkd.mcp.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.sparkd.core.queue.Keyed;
import dev.sparkd.core.queue.StoredText;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads and writes {@code mcp_gateway.tool_calls} ({@link ToolCallRow}). */
@ApplicationScoped
@WithSession
public class AuditRepository implements PanacheRepository<ToolCallRow> {

    static final String INSERT = "insert into mcp_gateway.tool_calls (entry_id, called_at, key_id, server, tool, exposed_name,"
            + " argument_bytes, argument_sha256, arguments, outcome, detail, duration_ms)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb, $10, $11, $12) on conflict (entry_id) do nothing";
    /** A NUL escaped in JSON text ({@code \\u0000}, not preceded by another backslash): jsonb refuses it. */
    private static final Pattern JSON_NUL = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000", Pattern.CASE_INSENSITIVE);

    private final Pool pool;

    public AuditRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Inserts the batch in one transaction and one pipelined round trip; a row whose id is already stored (a replay) is
     * skipped. Text is cleaned first: a NUL in the arguments (jsonb) or in an upstream's error (text) would make
     * PostgreSQL refuse the row, and the call would go unaudited.
     */
    public Uni<Void> insertAll(List<Keyed<AuditEntry>> entries) {
        List<Tuple> rows = new ArrayList<>(entries.size());
        for (Keyed<AuditEntry> k : entries) {
            AuditEntry e = k.entry();
            rows.add(Tuple.from(Arrays.asList(k.id(), OffsetDateTime.ofInstant(e.calledAt(), ZoneOffset.UTC), e.keyId(), e.server(),
                    e.tool(), e.exposedName(), e.argumentBytes(), e.argumentSha256(), jsonWithoutNul(e.arguments()),
                    e.outcome().label(), StoredText.clean(e.detail()), e.durationNanos() / 1e6)));
        }
        return pool.withTransaction(c -> c.preparedQuery(INSERT).executeBatch(rows)).replaceWithVoid();
    }

    /** {@code json} with each escaped NUL replaced by U+FFFD, so jsonb takes it. */
    static String jsonWithoutNul(String json) {
        return json == null ? null : JSON_NUL.matcher(json).replaceAll("$1\\\\ufffd");
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
