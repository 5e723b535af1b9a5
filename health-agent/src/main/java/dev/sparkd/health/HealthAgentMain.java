package dev.sparkd.health;

import dev.sparkd.services.daemon.DaemonMain;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point of the health-agent daemon: validates sparkd.toml, prepares state and the database, then boots. */
@QuarkusMain
public final class HealthAgentMain {
    private HealthAgentMain() {
    }

    public static void main(String... args) {
        DaemonMain.run("health-agent", args);
    }
}
