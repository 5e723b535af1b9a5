package dev.sparkd.mcp.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads and writes {@code mcp_gateway.tool_calls} with the reactive PostgreSQL client (no event loop is blocked). */
@ApplicationScoped
public class AuditRepository {
    private final Pool pool;

    public AuditRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insert(AuditEntry e) {
        return pool.preparedQuery("insert into mcp_gateway.tool_calls (called_at, key_id, server, tool, exposed_name, argument_bytes,"
                + " argument_sha256, arguments, outcome, detail, duration_ms) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .execute(Tuple.tuple().addValue(OffsetDateTime.ofInstant(e.calledAt(), ZoneOffset.UTC)).addValue(e.keyId())
                        .addValue(e.server()).addValue(e.tool()).addValue(e.exposedName()).addValue(e.argumentBytes())
                        .addValue(e.argumentSha256()).addValue(e.arguments() == null ? null : new JsonObject(e.arguments()))
                        .addValue(e.outcome().label()).addValue(e.detail()).addValue(e.durationNanos() / 1e6))
                .replaceWithVoid();
    }

    public Uni<List<AuditRecord>> find(Optional<String> keyId, Optional<String> server, Optional<Instant> since, int limit) {
        StringBuilder sql = new StringBuilder("select id, called_at, key_id, server, tool, exposed_name, argument_bytes, argument_sha256,"
                + " arguments::text as arguments, outcome, detail, duration_ms from mcp_gateway.tool_calls where true");
        List<Object> params = new ArrayList<>();
        keyId.ifPresent(k -> {
            params.add(k);
            sql.append(" and key_id = $").append(params.size());
        });
        server.ifPresent(s -> {
            params.add(s);
            sql.append(" and server = $").append(params.size());
        });
        since.ifPresent(t -> {
            params.add(OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
            sql.append(" and called_at >= $").append(params.size());
        });
        params.add(limit);
        sql.append(" order by called_at desc, id desc limit $").append(params.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(rows -> {
            List<AuditRecord> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new AuditRecord(r.getLong("id"), r.getOffsetDateTime("called_at").toInstant().toString(), r.getString("key_id"),
                        r.getString("server"), r.getString("tool"), r.getString("exposed_name"), r.getInteger("argument_bytes"),
                        r.getString("argument_sha256"), r.getString("arguments") == null ? null : new JsonObject(r.getString("arguments")).getMap(),
                        r.getString("outcome"), r.getString("detail"), r.getDouble("duration_ms")));
            }
            return out;
        });
    }
}
