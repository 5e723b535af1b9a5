package dev.sparkd.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.mcp.audit.AuditLog;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * The audit through a database outage, with the real embedded PostgreSQL: 1,000 tool calls while PostgreSQL (the
 * postmaster and every backend) is frozen with SIGSTOP for 30 s, resumed, then killed with SIGKILL and started again.
 * Every call ends with exactly one audit row — one of them with a NUL in its arguments, which jsonb refuses unless it
 * is cleaned.
 */
@QuarkusTest
@TestProfile(AuditChaosTest.OwnBoot.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(McpFixtures.class)
class AuditChaosTest {
    /**
     * Its own boot: the database is killed under this application, and the connection pool it leaves behind is not
     * one the next test class should inherit (a later insert through it hung in CI).
     */
    public static class OwnBoot implements QuarkusTestProfile {
    }

    private static final Logger LOG = Logger.getLogger(AuditChaosTest.class);
    static final Duration FREEZE = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL base;
    @Inject
    AuditLog audit;
    @Inject
    Pool pool;

    EmbeddedPostgresTestResource database;

    final String tag = "chaos-" + UUID.randomUUID();
    int sent;

    @Test
    void aThousandToolCallsThroughAFrozenThenKilledDatabaseEachLeaveExactlyOneAuditRow() throws Exception {
        McpGatewayTest.awaitReady("everything");
        var transport = HttpClientStreamableHttpTransport.builder(base.toString().replaceAll("/$", "")).endpoint("/mcp")
                .httpRequestCustomizer((b, method, uri, body, ctx) -> b.setHeader("Authorization", "Bearer " + McpGatewayTest.ALL))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
        try {
            call(client, 200);
            database.signal("STOP");
            long frozenAt = System.nanoTime();
            call(client, 500);
            long left = frozenAt + FREEZE.toNanos() - System.nanoTime();
            if (left > 0) {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left));
            }
            database.signal("CONT");
            call(client, 100);
            database.signal("KILL");
            call(client, 100);
            database.restartAfterCrash();
            call(client, 100);
        } finally {
            client.closeGracefully();
        }
        assertThat(audit.drain(Duration.ofSeconds(90))).as("the spill file is replayed once PostgreSQL is back").isTrue();
        Row r = pool.preparedQuery("select count(*) as c, count(distinct arguments->>'message') as d from mcp_gateway.tool_calls"
                + " where arguments->>'message' like $1").execute(Tuple.of(tag + "-%")).await().atMost(Duration.ofSeconds(30))
                .iterator().next();
        assertThat(r.getLong("c")).as("one row per call").isEqualTo(1_000);
        assertThat(r.getLong("d")).isEqualTo(1_000);
        String nul = pool.preparedQuery("select arguments->>'message' from mcp_gateway.tool_calls where arguments->>'message' like $1")
                .execute(Tuple.of(tag + "-nul-%")).await().atMost(Duration.ofSeconds(10)).iterator().next().getString(0);
        assertThat(nul).isEqualTo(tag + "-nul-a\uFFFDb");
        assertThat(audit.counts().deadLettered()).isZero();
        assertThat(audit.counts().dropped()).isZero();
        LOG.infof("chaos: 1,000 tool calls through a %d s freeze and a kill, every one audited", FREEZE.toSeconds());
    }

    private void call(McpSyncClient client, int n) {
        for (int k = 0; k < n; k++) {
            int i = sent++;
            String message = i == 42 ? tag + "-nul-a\u0000b" : tag + "-" + i;
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", message)));
            assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
        }
    }

}
