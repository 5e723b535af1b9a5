package dev.sparkd.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import dev.sparkd.router.ledger.Ledger;
import dev.sparkd.simulator.cloud.CloudRequest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** What the router's tests read back from the ledger, and what the simulated cloud counted to hold it against. */
final class LedgerReads {
    private LedgerReads() {
    }

    /** The one ledger row of {@code requestId}, once the write-behind queue has drained. */
    static Row row(Ledger ledger, Pool pool, String requestId) {
        assertThat(ledger.drain(Duration.ofSeconds(10))).isTrue();
        var rows = pool.preparedQuery("select * from router.ledger where request_id = $1").execute(Tuple.of(requestId))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(rows.size()).as("ledger rows for " + requestId).isEqualTo(1);
        return rows.iterator().next();
    }

    /** Rows ({@code c}), distinct request ids ({@code d}), prompt ({@code p}) and completion ({@code o}) tokens. */
    static Row totals(Pool pool, String requestIdLike, Duration within) {
        return pool.preparedQuery("select count(*) as c, count(distinct request_id) as d, sum(prompt_tokens) as p,"
                + " sum(completion_tokens) as o from router.ledger where request_id like $1").execute(Tuple.of(requestIdLike))
                .await().atMost(within).iterator().next();
    }

    /** The tokens of the requests the simulated OpenAI cloud answered (200), as it counted them. */
    record CloudTokens(long in, long out) {
        static CloudTokens answered() {
            long in = 0;
            long out = 0;
            for (CloudRequest c : SimulatorResource.sim.openAi().requests()) {
                if (c.status() == 200) {
                    in += c.inputTokens();
                    out += c.outputTokens();
                }
            }
            return new CloudTokens(in, out);
        }
    }
}
