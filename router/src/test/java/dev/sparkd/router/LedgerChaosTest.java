package dev.sparkd.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.router.ledger.Ledger;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;

/**
 * The ledger through a database outage, with the real embedded PostgreSQL: 10,000 requests while PostgreSQL (the
 * postmaster and every backend) is first frozen with SIGSTOP for 30 s, then resumed, then killed with SIGKILL and
 * started again on the same port. The router keeps answering from memory and its spill file the whole time, and at
 * the end every request has exactly one ledger row and the token totals are the simulator's.
 */
@QuarkusTest
@TestProfile(LedgerChaosTest.OwnBoot.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatorResource.class)
class LedgerChaosTest {
    /**
     * Its own boot: the database is killed under this application, and the connection pool it leaves behind is not
     * one the next test class should inherit (a later insert through it hung in CI).
     */
    public static class OwnBoot implements QuarkusTestProfile {
    }

    private static final Logger LOG = Logger.getLogger(LedgerChaosTest.class);
    static final Duration FREEZE = Duration.ofSeconds(30);

    @Inject
    Ledger ledger;
    @Inject
    Pool pool;

    EmbeddedPostgresTestResource database;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    final String tag = "chaos-" + UUID.randomUUID();
    int sent;
    int answered;

    @Test
    void tenThousandRequestsThroughAFrozenThenKilledDatabaseEachLeaveExactlyOneLedgerRow() throws Exception {
        SimulatorResource.sim.openAi().clearRequests();
        long start = System.nanoTime();
        Ledger before = ledger;

        send(1_000);
        database.signal("STOP");
        long frozenAt = System.nanoTime();
        send(5_000);
        sleepUntil(frozenAt + FREEZE.toNanos());
        assertThat(ledger.counts().spilledPending()).as("entries wait on disk while PostgreSQL is frozen").isPositive();
        database.signal("CONT");
        send(1_000);

        database.signal("KILL");
        send(1_500);
        assertThat(health("/q/health/ready")).as("readiness shows the database is gone").isEqualTo(503);
        database.restartAfterCrash();
        send(1_500);

        assertThat(ledger.drain(Duration.ofSeconds(90))).as("the spill file is replayed once PostgreSQL is back").isTrue();
        assertThat(ledger).as("the same router, never restarted").isSameAs(before);
        assertThat(health("/q/health/live")).isEqualTo(200);
        Row r = LedgerReads.totals(pool, tag + "-%", Duration.ofSeconds(30));
        assertThat(answered).isEqualTo(10_000);
        assertThat(r.getLong("c")).as("one row per request").isEqualTo(10_000);
        assertThat(r.getLong("d")).isEqualTo(10_000);
        LedgerReads.CloudTokens cloud = LedgerReads.CloudTokens.answered();
        assertThat(cloud.out()).isPositive();
        assertThat(r.getLong("p")).isEqualTo(cloud.in());
        assertThat(r.getLong("o")).isEqualTo(cloud.out());
        assertThat(ledger.counts().dropped()).isZero();
        assertThat(ledger.counts().deadLettered()).isZero();
        LOG.infof("chaos: 10,000 requests through a %d s freeze and a kill in %d s", FREEZE.toSeconds(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
    }

    /** Sends {@code n} chat requests, 32 at a time, half of them streamed; each must be answered 200. */
    private void send(int n) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> inflight = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int i = sent++;
            String extra = i % 2 == 0 ? ",\"stream\":true" : "";
            HttpRequest req = HttpRequest.newBuilder(URI.create(base() + "/v1/chat/completions")).header("X-Request-Id", tag + "-" + i)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(RouterProxyTest.CHAT.formatted("cloudy", extra))).build();
            inflight.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
            if (inflight.size() >= 32) {
                collect(inflight);
            }
        }
        collect(inflight);
    }

    private void collect(List<CompletableFuture<HttpResponse<String>>> inflight) throws Exception {
        for (var f : inflight) {
            assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            answered++;
        }
        inflight.clear();
    }

    private int health(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20)).GET().build();
        return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }


    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left));
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }
}
