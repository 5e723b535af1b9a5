package dev.sparkd.router.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.router.config.RouterSettings;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.ServiceKind;
import dev.sparkd.core.config.TlsTrust;
import io.vertx.core.Vertx;

/** The strategies' ordering, over the same state the background refresher and the proxy fill in. */
class PlannerTest {
    static final Vertx VERTX = Vertx.vertx();
    static final RouterSettings.Timeouts TIMEOUTS = new RouterSettings.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    static final RouterSettings.Breaker BREAKER = new RouterSettings.Breaker(3, Duration.ofSeconds(1));
    static final long NOW = 1_000_000_000L;

    @AfterAll
    static void close() {
        VERTX.close();
    }

    static Upstream upstream(String name, ServiceKind kind, int port, String provider) {
        ServiceDef def = new ServiceDef(name, kind, Optional.empty(), URI.create("http://127.0.0.1:" + port), Optional.empty(),
                Duration.ZERO, Optional.empty(), Optional.ofNullable(provider), Optional.empty(), List.of(), Duration.ofSeconds(1),
                kind != ServiceKind.OPENAI, TlsTrust.DEFAULT);
        return new Upstream(VERTX, def, TIMEOUTS);
    }

    static Target target(String name, ServiceKind kind, String model) {
        Upstream u = upstream(name, kind, 1, kind == ServiceKind.OPENAI ? "openai" : null);
        return new Target(model.isEmpty() ? name : name + ":" + model, u, model, BREAKER);
    }

    /** A vLLM target: the service serves one model, so the target is named after the service alone. */
    static Target vllm(String name) {
        return target(name, ServiceKind.VLLM, "");
    }

    static List<String> order(Planner planner, String strategy, Target... targets) {
        return planner.order("r", strategy, List.of(targets), false, NOW).stream().map(Target::service).toList();
    }

    @Test
    void priorityKeepsRouteOrderAndPutsUnusableTargetsLast() {
        Target a = vllm("a");
        Target b = vllm("b");
        Target c = vllm("c");
        assertThat(order(new Planner(), "priority", a, b, c)).containsExactly("a", "b", "c");
        a.upstream().markUnreachable("down");
        assertThat(order(new Planner(), "priority", a, b, c)).containsExactly("b", "c", "a");
    }

    @Test
    void roundRobinRotatesThroughEveryTarget() {
        Planner planner = new Planner();
        Target a = vllm("a");
        Target b = vllm("b");
        Target c = vllm("c");
        List<String> firsts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            List<String> o = order(planner, "round_robin", a, b, c);
            assertThat(o).containsExactlyInAnyOrder("a", "b", "c");
            firsts.add(o.get(0));
        }
        assertThat(firsts).containsExactly("a", "b", "c", "a", "b", "c");
        // each route keeps its own cursor
        assertThat(planner.order("other", "round_robin", List.of(a, b, c), false, NOW).get(0).service()).isEqualTo("a");
    }

    @Test
    void leastOutstandingPrefersFewerRequestsInFlight() {
        Target a = vllm("a");
        Target b = vllm("b");
        Target c = vllm("c");
        a.inFlight().set(5);
        b.inFlight().set(2);
        c.inFlight().set(0);
        assertThat(order(new Planner(), "least_outstanding", a, b, c)).containsExactly("c", "b", "a");
        c.inFlight().set(9);
        assertThat(order(new Planner(), "least_outstanding", a, b, c)).containsExactly("b", "a", "c");
    }

    @Test
    void latencyPrefersTheLowerAverageTimeToFirstTokenAndMeasuresUnknownTargetsFirst() {
        Target slow = vllm("slow");
        Target fast = vllm("fast");
        Target fresh = vllm("fresh");
        slow.observeTtft(400);
        fast.observeTtft(50);
        assertThat(order(new Planner(), "latency", slow, fast)).containsExactly("fast", "slow");
        assertThat(order(new Planner(), "latency", slow, fast, fresh)).containsExactly("fresh", "fast", "slow");
        // the average moves: the fast one turns slow over a few requests and loses its place
        for (int i = 0; i < 10; i++) {
            fast.observeTtft(2000);
        }
        assertThat(fast.ewmaTtftMillis()).isGreaterThan(400);
        assertThat(order(new Planner(), "latency", slow, fast)).containsExactly("slow", "fast");
    }

    @Test
    void loadAwarePrefersTheLessLoadedVllm() {
        Target busy = vllm("busy");
        Target idle = vllm("idle");
        busy.upstream().load(3, 8, 0.9);
        idle.upstream().load(0, 2, 0.1);
        assertThat(order(new Planner(), "load_aware", busy, idle)).containsExactly("idle", "busy");
        // KV-cache use alone decides when the queues are equal
        busy.upstream().load(0, 8, 0.95);
        idle.upstream().load(0, 8, 0.05);
        assertThat(order(new Planner(), "load_aware", busy, idle)).containsExactly("idle", "busy");
        // a queue elsewhere turns it around
        idle.upstream().load(5, 8, 0.05);
        assertThat(order(new Planner(), "load_aware", busy, idle)).containsExactly("busy", "idle");
    }

    @Test
    void loadAwarePrefersTheOllamaWhoseModelIsLoadedAndLocalOverCloud() {
        Target cold = target("cold", ServiceKind.OLLAMA, "llama3.2:3b");
        Target warm = target("warm", ServiceKind.OLLAMA, "llama3.2");
        Target cloud = target("cloud", ServiceKind.OPENAI, "gpt-4.1-mini");
        cold.upstream().loaded(Set.of("qwen2.5:7b"));
        warm.upstream().loaded(Set.of("llama3.2:latest")); // /api/ps names it with its tag
        assertThat(warm.modelLoaded()).isTrue();
        assertThat(cold.modelLoaded()).isFalse();
        assertThat(order(new Planner(), "load_aware", cloud, cold, warm)).containsExactly("warm", "cold", "cloud");
        cold.upstream().loaded(Set.of("llama3.2:3b"));
        warm.upstream().loaded(Set.of());
        assertThat(order(new Planner(), "load_aware", cloud, warm, cold)).containsExactly("cold", "warm", "cloud");
    }

    @Test
    void localOnlyDropsCloudTargetsAndAnOpenBreakerSendsATargetLast() {
        Target local = vllm("local");
        Target other = vllm("other");
        Target cloud = target("cloud", ServiceKind.OPENAI, "gpt-4.1-mini");
        assertThat(new Planner().order("r", "priority", List.of(cloud, local), true, NOW)).extracting(Target::service)
                .containsExactly("local");
        for (int i = 0; i < 3; i++) {
            local.breaker().onFailure(NOW);
        }
        assertThat(order(new Planner(), "priority", local, other)).containsExactly("other", "local");
        assertThat(order(new Planner(), "least_outstanding", local, other)).containsExactly("other", "local");
    }

    @Test
    void newSessionsSpreadEvenlyOverTheTargets() {
        List<Target> targets = List.of(vllm("a"), vllm("b"),
                vllm("c"));
        StickySessions sessions = new StickySessions();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            List<Target> usable = new ArrayList<>(targets);
            sessions.order(StickySessions.key("r", "k", "session-" + i, new ObjectMapper().createObjectNode()), usable);
            counts.merge(usable.get(0).id(), 1, Integer::sum);
        }
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
    }
    @Test
    void aStickySessionKeepsItsTargetWhileUsableAndMovesOnce() {
        Target a = vllm("a");
        Target b = vllm("b");
        Target c = vllm("c");
        Planner planner = new Planner();
        long session = StickySessions.key("r", "k", "conversation-1", new ObjectMapper().createObjectNode());
        String first = planner.order("r", "sticky", List.of(a, b, c), false, NOW, session).get(0).service();
        for (int i = 0; i < 5; i++) {
            assertThat(planner.order("r", "sticky", List.of(a, b, c), false, NOW, session).get(0).service()).isEqualTo(first);
        }
        Target down = List.of(a, b, c).stream().filter(t -> t.service().equals(first)).findFirst().orElseThrow();
        down.upstream().markUnreachable("test");
        List<String> moved = planner.order("r", "sticky", List.of(a, b, c), false, NOW, session).stream().map(Target::service).toList();
        assertThat(moved.get(0)).isNotEqualTo(first);
        assertThat(moved.get(2)).as("an unusable target goes last").isEqualTo(first);
        down.upstream().markReachable(null);
        assertThat(planner.order("r", "sticky", List.of(a, b, c), false, NOW, session).get(0).service()).isEqualTo(moved.get(0));
    }

    @Test
    void aLoadingTargetIsLeftOutAndRandomKeepsEveryOther() {
        Target a = target("a", ServiceKind.LLAMACPP, "");
        Target b = vllm("b");
        a.upstream().markLoading("HTTP 503 loading");
        assertThat(order(new Planner(), "priority", a, b)).containsExactly("b");
        a.upstream().markReachable(null);
        assertThat(order(new Planner(), "random", a, b)).containsExactlyInAnyOrder("a", "b");
    }
}
