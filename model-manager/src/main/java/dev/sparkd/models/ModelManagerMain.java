package dev.sparkd.models;

import dev.sparkd.models.cli.Cli;
import dev.sparkd.models.engine.Tuning;
import dev.sparkd.daemon.boot.DaemonMain;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point of the model-manager daemon: validates sparkd.toml, prepares state and the database, then boots. */
@QuarkusMain
public final class ModelManagerMain {
    private ModelManagerMain() {
    }

    public static void main(String... args) {
        if (Cli.isCliMode(args)) {
            System.exit(Cli.run(args, System.out, System.err, System.console() != null, Tuning.production(), null));
        }
        DaemonMain.run("model-manager", args);
    }
}
