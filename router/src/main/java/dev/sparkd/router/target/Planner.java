package dev.sparkd.router.target;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Orders a route's targets for one request by its strategy. Targets the refresher or the breaker consider
 * unusable go last, in route order, so a stale view never makes a route answer 503 while a target works.
 * Pure logic over state already in memory: nothing here waits for the network.
 */
public final class Planner {
    private final Map<String, AtomicInteger> cursors = new ConcurrentHashMap<>();
    private final StickySessions sessions = new StickySessions();

    public List<Target> order(String route, String strategy, List<Target> targets, boolean localOnly, long now) {
        return order(route, strategy, targets, localOnly, now, 0);
    }

    /**
     * The targets to try, in order. A target that is loading a model (a swap in progress) is left out altogether: it is
     * drained, and back once the refresher sees it serve. {@code sessionKey} is read by the sticky strategy only
     * ({@link StickySessions#key}).
     */
    public List<Target> order(String route, String strategy, List<Target> targets, boolean localOnly, long now, long sessionKey) {
        List<Target> usable = new ArrayList<>(targets.size());
        List<Target> rest = new ArrayList<>(2);
        for (Target t : targets) {
            if ((localOnly && !t.local()) || t.upstream().loading()) {
                continue;
            }
            (t.usable(now) ? usable : rest).add(t);
        }
        switch (strategy) {
            case "random" -> Collections.shuffle(usable, ThreadLocalRandom.current());
            case "sticky" -> {
                if (!usable.isEmpty()) {
                    sessions.order(sessionKey, usable);
                }
            }
            case "round_robin" -> rotate(usable, cursors.computeIfAbsent(route, r -> new AtomicInteger()).getAndIncrement());
            case "least_outstanding" -> usable.sort(Comparator.comparingInt((Target t) -> t.inFlight().get()));
            case "latency" -> usable.sort(Comparator.comparingDouble(Planner::latencyKey));
            case "load_aware" -> usable.sort(Comparator.comparingDouble(Planner::loadScore));
            default -> {
                // priority: route order (stable), local targets as written first
            }
        }
        if (!rest.isEmpty()) {
            usable.addAll(rest);
        }
        return usable;
    }

    private static void rotate(List<Target> list, int by) {
        if (list.size() > 1) {
            Collections.rotate(list, -Math.floorMod(by, list.size()));
        }
    }

    /** Unmeasured targets first (so each gets measured), then the lowest EWMA of time to first token. */
    static double latencyKey(Target t) {
        double e = t.ewmaTtftMillis();
        return Double.isNaN(e) ? -1 : e;
    }

    /**
     * Lower is better. vLLM: waiting requests dominate, then KV-cache use (1.0 = full) and our own in-flight count.
     * Ollama: a target whose model is not loaded pays a cold-load penalty. Cloud targets come after local ones.
     */
    static double loadScore(Target t) {
        Upstream u = t.upstream();
        double score = t.inFlight().get();
        switch (u.kind()) {
            case VLLM -> score += u.queueWaiting() * 4 + u.kvCacheUsage() * 8;
            case OLLAMA -> score += t.modelLoaded() ? 0 : 50;
            default -> {
            }
        }
        if (t.cloud()) {
            score += 1000;
        }
        return score;
    }
}
