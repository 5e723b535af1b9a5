package dev.sparkd.health;

import dev.sparkd.health.notify.NotifyCommand;
import dev.sparkd.health.once.OnceCommand;
import dev.sparkd.daemon.boot.DaemonMain;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the health-agent: the daemon (validates sparkd.toml, prepares state and the database, then boots), or
 * a one-shot command ({@code --once}, {@code status}, {@code notify test}) that runs without Quarkus or a database.
 */
@QuarkusMain
public final class HealthAgentMain {
    private HealthAgentMain() {
    }

    public static void main(String... args) {
        if (NotifyCommand.wanted(args)) {
            System.exit(NotifyCommand.run(args, System.getenv(), System.out, System.err));
        }
        if (OnceCommand.wanted(args)) {
            System.exit(OnceCommand.run(args, System.getenv(), System.out, System.err));
        }
        DaemonMain.run("health-agent", args);
    }
}
