package dev.sparkd.doctor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.sparkd.router.config.RouterSettings;

/** Every route has at least one target whose service is up, so a request to it can be served now. */
final class RouteChecks {
    private RouteChecks() {
    }

    static List<Check> run(RouterSettings router, ServiceChecks.Result services) {
        List<Check> checks = new ArrayList<>();
        router.routes().values().stream().sorted(Comparator.comparing(RouterSettings.Route::name)).forEach(route -> {
            List<String> up = new ArrayList<>();
            List<String> down = new ArrayList<>();
            for (RouterSettings.Target t : route.targets()) {
                if (services.up().contains(t.service())) {
                    up.add(t.toString());
                } else {
                    down.add(t + " (" + services.why().getOrDefault(t.service(), "down") + ")");
                }
            }
            String subject = "route " + route.name();
            if (up.isEmpty()) {
                checks.add(Check.problem(subject, "no target up: " + String.join(", ", down),
                        "bring up one of its services (see their lines above), or add a target that is up"));
            } else {
                checks.add(Check.ok(subject, up.size() + " of " + route.targets().size() + " target(s) up: " + String.join(", ", up)));
            }
        });
        return checks;
    }
}
