package dev.sparkd.mcp.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sparkd.mcp.McpFixtures;
import dev.sparkd.mcp.config.McpSettings;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;

/**
 * The supervisor against a real stdio server started through a wrapper (the server is a grandchild, as behind
 * {@code npx} or {@code sh -c}): stopping ends every process of the group, and a crash of the wrapper leaves no
 * orphaned grandchild. Asserts on the process table.
 */
class UpstreamSupervisorTest {
    private final String marker = "--sparkd-test-marker=" + UUID.randomUUID();
    private static Vertx vertx;
    private UpstreamSupervisor supervisor;
    private Upstreams upstreams;

    @BeforeAll
    static void fixtures() {
        McpFixtures.requireInstalled();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.stopAll();
        }
    }

    private UpstreamSupervisor start(CopyOnWriteArrayList<Integer> toolCounts) {
        McpSettings.Server memory = new McpSettings.Server("memory",
                List.of("node", "spawn-wrapper.mjs", "node", McpFixtures.server("memory").toString(), marker),
                Optional.empty(), Optional.empty(), List.of(), Map.of("MEMORY_FILE_PATH", "../../../../../../../target/memory-supervisor-test.jsonl"),
                Optional.of(McpFixtures.DIR), false, 1024, Duration.ofSeconds(10), Optional.empty(), 4L << 20);
        UpstreamListener counter = new UpstreamListener() {
            @Override
            public void toolsChanged(String server, List<McpSchema.Tool> tools) {
                toolCounts.add(tools.size());
            }
        };
        upstreams = new Upstreams(List.of(memory));
        UpstreamSupervisor s = new UpstreamSupervisor(upstreams, List.of(counter), new SupervisorWork(vertx), vertx, "test");
        s.startAll();
        return s;
    }

    private List<ProcessHandle> marked() {
        // the server itself, not the wrapper that passes the same arguments on
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)
                && !p.info().commandLine().orElse("").contains("spawn-wrapper") && ProcessGroup.running(p.pid())).toList();
    }

    @Test
    void stoppingEndsTheServerAndItsGrandchildren() {
        var counts = new CopyOnWriteArrayList<Integer>();
        supervisor = start(counts);
        Upstream u = upstreams.get("memory").orElseThrow();
        await(() -> u.state() == UpstreamState.READY, "memory ready");
        assertThat(u.tools()).extracting(t -> t.name()).contains("create_entities", "read_graph");
        assertThat(counts).contains(u.tools().size());
        long leader = u.pid();
        assertThat(ProcessGroup.groupMembers(leader)).as("wrapper and server share the wrapper's own process group").hasSizeGreaterThanOrEqualTo(2);
        assertThat(marked()).as("the real server runs, as a grandchild").hasSize(1);

        List<ProcessHandle> all = ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)).toList();
        assertThat(all).hasSize(2);
        supervisor.stopAll();
        assertThat(all).noneMatch(p -> ProcessGroup.running(p.pid()));
        assertThat(marked()).as("no server process survives the stop").isEmpty();
        assertThat(ProcessGroup.groupMembers(leader)).isEmpty();
        assertThat(u.state()).isEqualTo(UpstreamState.STOPPED);
    }

    @Test
    void aCrashedWrapperLeavesNoOrphanAndIsRestarted() {
        supervisor = start(new CopyOnWriteArrayList<>());
        Upstream u = upstreams.get("memory").orElseThrow();
        await(() -> u.state() == UpstreamState.READY, "memory ready");
        ProcessHandle grandchild = marked().get(0);
        ProcessHandle.of(u.pid()).orElseThrow().destroyForcibly();   // SIGKILL to the wrapper only
        await(() -> u.state() == UpstreamState.RESTARTING, "restarting");
        assertThat(u.tools()).as("tools of a restarting server are withdrawn").isEmpty();
        await(() -> u.state() == UpstreamState.READY, "ready again");
        assertThat(ProcessGroup.running(grandchild.pid())).as("the orphaned grandchild was ended with its group").isFalse();
        assertThat(marked()).hasSize(1);
        assertThat(u.restarts()).isEqualTo(1);
        assertThat(u.tools()).isNotEmpty();
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
