package dev.sparkd.router.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

import dev.sparkd.core.config.ConfigTable;
import dev.sparkd.core.config.Listen;
import dev.sparkd.core.config.SectionSchema;
import dev.sparkd.core.config.ServiceKind;
import dev.sparkd.core.config.Suggestions;
import dev.sparkd.core.config.SuiteConfig;

/** Reads {@code [router]}; registered for the shared loader in {@code META-INF/services}. */
public final class RouterSchema extends SectionSchema<RouterSettings> {
    public static final int DEFAULT_PORT = 8470;
    static final List<String> KINDS = List.of("chat", "audio", "rerank");
    static final List<String> STRATEGIES = List.of("priority", "round_robin", "least_outstanding", "latency", "load_aware",
            "random", "sticky");

    /** Published list prices (USD per 1M tokens), used unless {@code [router.prices]} names the model. */
    public static final Map<String, RouterSettings.Price> DEFAULT_PRICES = Map.of(
            "gpt-4.1", new RouterSettings.Price(2.00, 8.00),
            "gpt-4.1-mini", new RouterSettings.Price(0.40, 1.60),
            "gpt-4.1-nano", new RouterSettings.Price(0.10, 0.40),
            "gpt-4o", new RouterSettings.Price(2.50, 10.00),
            "gpt-4o-mini", new RouterSettings.Price(0.15, 0.60),
            "claude-sonnet-4-5", new RouterSettings.Price(3.00, 15.00),
            "claude-haiku-4-5", new RouterSettings.Price(1.00, 5.00),
            "claude-opus-4-1", new RouterSettings.Price(15.00, 75.00));

    static final RouterSettings.Timeouts DEFAULT_TIMEOUTS = new RouterSettings.Timeouts(Duration.ofSeconds(2),
            Duration.ofSeconds(120), Duration.ofSeconds(60));

    /**
     * 4 MiB: a request with a large base64 image fits. Measured with jvm/daemon.options: a JSON body costs about six
     * times its size at its peak (the bytes, Jackson's parse buffers, the parsed tree, the body sent upstream), so one
     * 8 MiB body alone fills a 64 MB heap and 16 MiB needs about 100 MB. Larger limits need a larger -Xmx.
     */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 4L << 20;
    /** 4 MiB, for the same reason: a whole answer is parsed (usage) and, from Anthropic, translated. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 4L << 20;
    /**
     * 8 MiB: two 4 MiB bodies parsed at once. Measured on a router with jvm/daemon.options: eight 4 MiB requests at
     * once ran its 64 MB heap out; the limit on one body does not bound several.
     */
    public static final long DEFAULT_MAX_BUFFERED_BYTES = 8L << 20;
    /** 1 MiB: a stream's events are deltas of a few hundred bytes. */
    public static final long DEFAULT_MAX_EVENT_BYTES = 1L << 20;
    static final long MIN_LIMIT_BYTES = 1024;
    static final long MAX_LIMIT_BYTES = 256L << 20;

    public RouterSchema() {
        super("router", RouterSettings.class);
    }

    @Override
    public RouterSettings read(ConfigTable t, SuiteConfig core) {
        Listen listen = Listen.read(t, "listen", DEFAULT_PORT);
        boolean keyless = t.bool("allow_keyless", false);
        if (keyless && !listen.isLoopback()) {
            t.error("allow_keyless", "keyless access on a non-loopback address (" + listen + ") lets anyone on the network spend your budget",
                    "listen on 127.0.0.1, or create API keys with `router keys create`");
        }
        RouterSettings.Timeouts timeouts = timeouts(t, DEFAULT_TIMEOUTS);
        int maxAttempts = t.integer("max_attempts", 1, 10).orElse(3L).intValue();
        Duration backoff = t.duration("retry_backoff", Duration.ZERO, Duration.ofSeconds(10)).orElse(Duration.ofMillis(25));
        long reserve = t.integer("reserve_output_tokens", 1, 1_000_000).orElse(1024L);
        Duration stateInterval = t.duration("state_interval", Duration.ofMillis(100), Duration.ofMinutes(5)).orElse(Duration.ofSeconds(2));
        RouterSettings.Breaker breaker = t.table("breaker").map(b -> {
            var out = new RouterSettings.Breaker(b.integer("failures", 1, 1000).orElse(3L).intValue(),
                    b.duration("cooldown", Duration.ofMillis(10), Duration.ofHours(1)).orElse(Duration.ofSeconds(10)));
            b.finish();
            return out;
        }).orElse(new RouterSettings.Breaker(3, Duration.ofSeconds(10)));

        Map<String, RouterSettings.Timeouts> backends = new LinkedHashMap<>();
        Map<String, Integer> maxInFlight = new LinkedHashMap<>();
        t.namedTables("backends").forEach((name, b) -> {
            if (core.service(name).isEmpty()) {
                b.error(null, "[router.backends." + name + "] names no service", Suggestions.hint(name, core.services().keySet()));
            }
            backends.put(name, timeouts(b, timeouts));
            b.integer("max_in_flight", 1, 100_000).ifPresent(n -> maxInFlight.put(name, n.intValue()));
            b.finish();
        });

        Map<String, RouterSettings.Price> prices = new LinkedHashMap<>(DEFAULT_PRICES);
        t.namedTables("prices").forEach((model, p) -> prices.put(model, eitherOrBoth(p, "a price", "input", 100_000,
                "output", 100_000, "USD per 1M tokens, e.g. input = 0.40, output = 1.60", RouterSettings.Price::new)));

        Map<String, RouterSettings.Budget> budgets = new LinkedHashMap<>();
        t.namedTables("budgets").forEach((name, b) -> {
            var def = core.service(name);
            if (def.isEmpty()) {
                b.error(null, "[router.budgets." + name + "] names no service", Suggestions.hint(name, core.services().keySet()));
            } else if (!def.get().isCloud()) {
                b.error(null, "service \"" + name + "\" is not a cloud provider; only cloud use costs money", "budget a service of kind openai");
            }
            budgets.put(name, eitherOrBoth(b, "a budget", "daily", 1_000_000, "monthly", 10_000_000,
                    "USD, e.g. daily = 2.0, monthly = 20.0", RouterSettings.Budget::new));
        });

        Map<String, RouterSettings.Route> routes = new LinkedHashMap<>();
        t.namedTables("routes").forEach((name, r) -> {
            List<RouterSettings.Target> targets = new ArrayList<>();
            for (String spec : r.strings("targets")) {
                int colon = spec.indexOf(':');
                String service = colon < 0 ? spec : spec.substring(0, colon);
                String model = colon < 0 ? "" : spec.substring(colon + 1);
                var def = core.service(service);
                if (def.isEmpty()) {
                    r.error("targets", "target \"" + spec + "\" names no service \"" + service + "\"",
                            Suggestions.hint(service, core.services().keySet()));
                } else if (def.get().kind() == ServiceKind.TCP || def.get().kind() == ServiceKind.HTTP) {
                    r.error("targets", "target \"" + spec + "\" is a " + def.get().kind().key() + " service, which does not serve models",
                            "route to ollama, vllm, llamacpp or openai services");
                } else if (def.get().isCloud() && model.isEmpty()) {
                    r.error("targets", "cloud target \"" + spec + "\" names no model", "write it as \"" + service + ":gpt-4.1-mini\"");
                } else {
                    if (def.get().isCloud() && budgets.containsKey(service) && !prices.containsKey(model)) {
                        r.error("targets", "cloud target \"" + spec + "\" has a budget but no price for \"" + model + "\"",
                                "add [router.prices.\"" + model + "\"] with input and output (USD per 1M tokens)");
                    }
                    targets.add(new RouterSettings.Target(service, model));
                }
            }
            if (!r.has("targets")) {
                r.error(null, "a route needs `targets`", "e.g. targets = [\"vllm-1\", \"ollama-1:llama3.2:3b\"]");
            }
            String strategy = r.choice("strategy", STRATEGIES).orElse("priority");
            boolean localOnly = r.bool("local_only", false);
            RouterSettings.WhenFull whenFull = r.choice("when_full", List.of("next", "queue", "reject"))
                    .map(w -> RouterSettings.WhenFull.valueOf(w.toUpperCase(Locale.ROOT))).orElse(RouterSettings.WhenFull.NEXT);
            int queueSize = r.integer("queue_size", 1, 10_000).orElse(16L).intValue();
            Duration queueTimeout = r.duration("queue_timeout", Duration.ofMillis(10), Duration.ofMinutes(5)).orElse(Duration.ofSeconds(5));
            if (whenFull != RouterSettings.WhenFull.QUEUE && (r.has("queue_size") || r.has("queue_timeout"))) {
                r.error(r.has("queue_size") ? "queue_size" : "queue_timeout", "only read with when_full = \"queue\"", "");
            }
            RouterSettings.Cache cache = null;
            if (r.has("cache_ttl")) {
                Duration ttl = r.duration("cache_ttl", Duration.ofSeconds(1), Duration.ofDays(7)).orElse(Duration.ofMinutes(5));
                long maxBytes = r.size("cache_max_bytes").orElse(8L << 20);
                if (maxBytes < 1024 || maxBytes > (256L << 20)) {
                    r.error("cache_max_bytes", "expected between 1KiB and 256MiB", "the cache lives in the router's heap");
                }
                cache = new RouterSettings.Cache(ttl, maxBytes, r.bool("cache_local_only", false));
            } else if (r.has("cache_max_bytes") || r.has("cache_local_only")) {
                r.error(r.has("cache_max_bytes") ? "cache_max_bytes" : "cache_local_only", "the cache is off without `cache_ttl`",
                        "add cache_ttl = \"5m\"");
            }
            RouterSettings.Kind kind = RouterSettings.Kind.valueOf(r.choice("kind", KINDS).orElse("chat").toUpperCase(Locale.ROOT));
            if (kind != RouterSettings.Kind.CHAT) {
                targets.stream().filter(x -> !core.services().get(x.service()).local()).forEach(x ->
                        r.error("targets", "a " + kind.key() + " route sends only to local targets, and \"" + x + "\" is not local"
                                + " (a cloud provider, or `compatible` with local = false)",
                                "remove the target: " + (kind == RouterSettings.Kind.AUDIO ? "speech" : "rerank requests") + " stay on your own hardware"));
            } else if (localOnly) {
                targets.stream().filter(x -> !core.services().get(x.service()).local()).forEach(x ->
                        r.error("local_only", "route is local_only but target \"" + x.service() + (x.model().isEmpty() ? "" : ":" + x.model()) + "\" is not local (a cloud provider, or `compatible` with local = false)",
                                "remove the target or local_only (a `compatible` service on your own hardware can say local = true)"));
            }
            r.finish();
            routes.put(name, new RouterSettings.Route(name, List.copyOf(targets), strategy, localOnly, whenFull, queueSize,
                    queueTimeout, cache, kind));
        });
        // Never below the current budget period: the ledger's own retention keeps this UTC month whatever is set here.
        Duration ledgerRetention = t.duration("ledger_retention", Duration.ofDays(1), Duration.ofDays(3650)).orElse(Duration.ofDays(90));
        RouterSettings.Limits limits = new RouterSettings.Limits(limit(t, "max_request_size", DEFAULT_MAX_REQUEST_BYTES),
                limit(t, "max_response_size", DEFAULT_MAX_RESPONSE_BYTES), limit(t, "max_event_size", DEFAULT_MAX_EVENT_BYTES),
                limit(t, "max_buffered_size", DEFAULT_MAX_BUFFERED_BYTES));
        RouterSettings.Idempotency idempotency = t.table("idempotency").map(i -> {
            var out = new RouterSettings.Idempotency(
                    i.duration("window", Duration.ofSeconds(1), Duration.ofDays(1)).orElse(Duration.ofMinutes(10)),
                    i.size("max_bytes").orElse(4L << 20));
            if (out.maxBytes() > (256L << 20)) {
                i.error("max_bytes", "expected at most 256MiB", "stored answers live in the router's heap");
            }
            i.finish();
            return out;
        }).orElse(new RouterSettings.Idempotency(Duration.ofMinutes(10), 4L << 20));
        t.finish();
        return new RouterSettings(listen, keyless, routes, timeouts, Map.copyOf(backends), maxAttempts, backoff, breaker,
                Map.copyOf(prices), Map.copyOf(budgets), reserve, stateInterval, ledgerRetention, limits, Map.copyOf(maxInFlight), idempotency);
    }

    /** A table of two amounts in USD, each 0 when left out, but not both left out (a price, a budget). */
    private static <T> T eitherOrBoth(ConfigTable t, String what, String first, double firstMax, String second, double secondMax,
                                      String hint, BiFunction<Double, Double, T> settings) {
        double a = t.number(first, 0, firstMax).orElse(0.0);
        double b = t.number(second, 0, secondMax).orElse(0.0);
        if (!t.has(first) && !t.has(second)) {
            t.error(null, what + " needs `" + first + "` and/or `" + second + "`", hint);
        }
        t.finish();
        return settings.apply(a, b);
    }

    private static long limit(ConfigTable t, String key, long defaultBytes) {
        long bytes = t.size(key).orElse(defaultBytes);
        if (bytes < MIN_LIMIT_BYTES || bytes > MAX_LIMIT_BYTES) {
            t.error(key, "expected a size from 1KiB to 256MiB, found " + bytes + " bytes",
                    "the router holds this much in memory per request; raise -Xmx in jvm/daemon.options with it");
            return defaultBytes;
        }
        return bytes;
    }

    private static RouterSettings.Timeouts timeouts(ConfigTable t, RouterSettings.Timeouts defaults) {
        return new RouterSettings.Timeouts(
                t.duration("connect_timeout", Duration.ofMillis(10), Duration.ofMinutes(5)).orElse(defaults.connect()),
                t.duration("first_token_timeout", Duration.ofMillis(10), Duration.ofHours(1)).orElse(defaults.firstToken()),
                t.duration("idle_timeout", Duration.ofMillis(10), Duration.ofHours(1)).orElse(defaults.idle()));
    }
}
