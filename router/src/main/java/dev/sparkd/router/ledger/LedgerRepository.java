package dev.sparkd.router.ledger;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sparkd.core.queue.Keyed;
import dev.sparkd.core.queue.StoredText;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads and writes {@code router.ledger} ({@link LedgerRow}). */
@ApplicationScoped
@WithSession
public class LedgerRepository implements PanacheRepository<LedgerRow> {
    /** {@code group_by} values of the usage API and the expression each groups by. */
    static final Map<String, String> GROUPS = Map.of("provider", "coalesce(l.provider, '-')", "key", "l.keyId",
            "route", "coalesce(l.route, '-')", "target", "coalesce(l.target, '-')");

    static final String INSERT = "insert into router.ledger (entry_id, at, request_id, endpoint, route, target, provider,"
            + " key_id, status, outcome, error, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, stream, attempts,"
            + " fallbacks) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
            + " on conflict (entry_id) do nothing";

    private final Pool pool;

    public LedgerRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Inserts the batch in one transaction and one pipelined round trip with the plain reactive client; an entry whose
     * id is already stored (a replay) is skipped. Upstream text is cleaned first ({@link StoredText}): a NUL in an
     * error message would make PostgreSQL refuse the row.
     */
    public Uni<Void> insertAll(List<Keyed<LedgerEntry>> entries) {
        List<Tuple> rows = new ArrayList<>(entries.size());
        for (Keyed<LedgerEntry> k : entries) {
            LedgerEntry e = k.entry();
            rows.add(Tuple.from(Arrays.asList(k.id(), OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC), e.requestId(),
                    e.endpoint(), e.route(), e.target(), e.provider(), e.keyId(), e.status(), e.outcome(),
                    StoredText.clean(e.error()), e.promptTokens(), e.completionTokens(), e.costUsd(), e.latencyMs(), e.ttftMs(),
                    e.stream(), e.attempts(), StoredText.clean(e.fallbacks(), 4096))));
        }
        return pool.withTransaction(c -> c.preparedQuery(INSERT).executeBatch(rows)).replaceWithVoid();
    }

    /** Deletes the rows recorded before {@code before} (the caller owns the transaction); answers how many. */
    public Uni<Long> deleteBefore(Instant before) {
        return delete("at < ?1", OffsetDateTime.ofInstant(before, ZoneOffset.UTC));
    }

    /** Spend per scope since {@code since}: {@code provider:<service>} (a target's service) and {@code key:<id>}. */
    public Uni<Map<String, Double>> spendSince(Instant since) {
        OffsetDateTime from = OffsetDateTime.ofInstant(since, ZoneOffset.UTC);
        return getSession().chain(s -> s.createSelectionQuery("select l.target, l.keyId, sum(l.costUsd) from LedgerRow l"
                + " where l.at >= ?1 and l.costUsd > 0 group by l.target, l.keyId", Object[].class).setParameter(1, from).getResultList())
                .map(rows -> {
                    Map<String, Double> out = new LinkedHashMap<>();
                    for (Object[] r : rows) {
                        double cost = ((Number) r[2]).doubleValue();
                        if (r[0] != null) {
                            String target = (String) r[0];
                            int colon = target.indexOf(':');
                            out.merge("provider:" + (colon < 0 ? target : target.substring(0, colon)), cost, Double::sum);
                        }
                        out.merge("key:" + r[1], cost, Double::sum);
                    }
                    return out;
                });
    }

    public Uni<List<UsageRow>> usage(String groupBy, Instant since) {
        String group = GROUPS.get(groupBy);
        String hql = "select " + group + ", count(*), count(*) filter (where l.outcome <> 'ok'), sum(l.promptTokens),"
                + " sum(l.completionTokens), sum(l.costUsd) from LedgerRow l where l.at >= ?1 group by " + group + " order by " + group;
        return getSession().chain(s -> s.createSelectionQuery(hql, Object[].class)
                .setParameter(1, OffsetDateTime.ofInstant(since, ZoneOffset.UTC)).getResultList())
                .map(rows -> {
                    List<UsageRow> out = new ArrayList<>(rows.size());
                    for (Object[] r : rows) {
                        out.add(new UsageRow((String) r[0], number(r[1]).longValue(), number(r[2]).longValue(),
                                number(r[3]).longValue(), number(r[4]).longValue(), number(r[5]).doubleValue()));
                    }
                    return out;
                });
    }

    private static Number number(Object value) {
        return value == null ? 0 : (Number) value;
    }
}
