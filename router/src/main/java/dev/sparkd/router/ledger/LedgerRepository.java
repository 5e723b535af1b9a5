package dev.sparkd.router.ledger;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads and writes {@code router.ledger} with the reactive PostgreSQL client. */
@ApplicationScoped
public class LedgerRepository {
    private static final String INSERT = "insert into router.ledger (at, request_id, endpoint, route, target, provider, key_id,"
            + " status, outcome, error, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, stream, attempts, fallbacks)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";
    static final Map<String, String> GROUPS = Map.of("provider", "coalesce(provider, '-')", "key", "key_id",
            "route", "coalesce(route, '-')", "target", "coalesce(target, '-')");

    private final Pool pool;

    public LedgerRepository(Pool pool) {
        this.pool = pool;
    }

    /** One round trip for the whole batch. */
    public Uni<Void> insertAll(List<LedgerEntry> entries) {
        List<Tuple> rows = new ArrayList<>(entries.size());
        for (LedgerEntry e : entries) {
            rows.add(Tuple.tuple().addValue(OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC)).addValue(e.requestId())
                    .addValue(e.endpoint()).addValue(e.route()).addValue(e.target()).addValue(e.provider()).addValue(e.keyId())
                    .addValue(e.status()).addValue(e.outcome()).addValue(e.error()).addValue(e.promptTokens())
                    .addValue(e.completionTokens()).addValue(e.costUsd()).addValue(e.latencyMs()).addValue(e.ttftMs())
                    .addValue(e.stream()).addValue(e.attempts()).addValue(e.fallbacks()));
        }
        return pool.preparedQuery(INSERT).executeBatch(rows).replaceWithVoid();
    }

    /** Spend per (scope, name) since {@code since}: scope "provider" by service, "key" by key id. */
    public Uni<Map<String, Double>> spendSince(Instant since) {
        return pool.preparedQuery("select 'provider:' || split_part(target, ':', 1) as k, sum(cost_usd) as c from router.ledger"
                + " where at >= $1 and cost_usd > 0 group by 1 union all select 'key:' || key_id, sum(cost_usd) from router.ledger"
                + " where at >= $1 and cost_usd > 0 group by 1")
                .execute(Tuple.of(OffsetDateTime.ofInstant(since, ZoneOffset.UTC))).map(rows -> {
                    Map<String, Double> out = new LinkedHashMap<>();
                    for (Row r : rows) {
                        out.merge(r.getString("k"), r.getDouble("c"), Double::sum);
                    }
                    return out;
                });
    }

    public Uni<List<UsageRow>> usage(String groupBy, Instant since) {
        String expr = GROUPS.get(groupBy);
        return pool.preparedQuery("select " + expr + " as grp, count(*) as requests, count(*) filter (where outcome <> 'ok') as errors,"
                + " coalesce(sum(prompt_tokens), 0) as prompt_tokens, coalesce(sum(completion_tokens), 0) as completion_tokens,"
                + " coalesce(sum(cost_usd), 0) as cost_usd from router.ledger where at >= $1 group by 1 order by 1")
                .execute(Tuple.of(OffsetDateTime.ofInstant(since, ZoneOffset.UTC))).map(rows -> {
                    List<UsageRow> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new UsageRow(r.getString("grp"), r.getLong("requests"), r.getLong("errors"),
                                r.getLong("prompt_tokens"), r.getLong("completion_tokens"), r.getDouble("cost_usd")));
                    }
                    return out;
                });
    }

    public Uni<Long> count() {
        return pool.query("select count(*) from router.ledger").execute().map(rows -> rows.iterator().next().getLong(0));
    }
}
