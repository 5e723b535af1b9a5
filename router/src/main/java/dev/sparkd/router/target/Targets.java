package dev.sparkd.router.target;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sparkd.router.config.RouterSettings;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.SuiteConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** Every upstream service and every route's targets, built once from the config. */
@Singleton
public class Targets {
    private final Map<String, Upstream> upstreams = new LinkedHashMap<>();
    private final Map<String, Target> targets = new LinkedHashMap<>();
    private final Map<String, List<Target>> routes = new HashMap<>();
    private final Map<String, RouteQueue> queues = new HashMap<>();
    private final RouterSettings settings;

    public Targets(Vertx vertx, SuiteConfig config) {
        this.settings = config.section(RouterSettings.class);
        for (RouterSettings.Route route : settings.routes().values()) {
            List<Target> list = new ArrayList<>();
            for (RouterSettings.Target t : route.targets()) {
                ServiceDef def = config.service(t.service()).orElseThrow();
                Upstream u = upstreams.computeIfAbsent(def.name(),
                        n -> new Upstream(vertx, def, settings.backends().getOrDefault(n, settings.timeouts()),
                                settings.maxInFlight().getOrDefault(n, 0)));
                list.add(targets.computeIfAbsent(t.toString(), id -> new Target(id, u, t.model(), settings.breaker())));
            }
            routes.put(route.name(), List.copyOf(list));
            if (route.whenFull() == RouterSettings.WhenFull.QUEUE) {
                queues.put(route.name(), new RouteQueue(route.queueSize(), route.queueTimeout()));
            }
        }
    }

    public RouterSettings settings() {
        return settings;
    }

    public List<Target> route(String name) {
        return routes.get(name);
    }

    /** The wait queue of a route with {@code when_full = "queue"}, else null. */
    public RouteQueue queue(String route) {
        return queues.get(route);
    }

    public Collection<Target> all() {
        return targets.values();
    }

    public Collection<Upstream> upstreams() {
        return upstreams.values();
    }

    void close(@Observes ShutdownEvent event) {
        upstreams.values().forEach(Upstream::close);
    }
}
