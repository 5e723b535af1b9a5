package dev.sparkd.router.ledger;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads and writes {@code router.ledger} ({@link LedgerRow}). */
@ApplicationScoped
@WithSession
public class LedgerRepository implements PanacheRepository<LedgerRow> {
    /** {@code group_by} values of the usage API and the expression each groups by. */
    static final Map<String, String> GROUPS = Map.of("provider", "coalesce(l.provider, '-')", "key", "l.keyId",
            "route", "coalesce(l.route, '-')", "target", "coalesce(l.target, '-')");

    private final Mutiny.SessionFactory sessions;

    public LedgerRepository(Mutiny.SessionFactory sessions) {
        this.sessions = sessions;
    }

    /**
     * Inserts the batch in one transaction of a stateless session: rows that are only ever written need no persistence
     * context, and the inserts go out as one JDBC batch (one round trip).
     */
    public Uni<Void> insertAll(List<LedgerEntry> entries) {
        List<LedgerRow> rows = new ArrayList<>(entries.size());
        for (LedgerEntry e : entries) {
            rows.add(new LedgerRow(e));
        }
        return sessions.withStatelessTransaction(s -> s.insertMultiple(rows));
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
