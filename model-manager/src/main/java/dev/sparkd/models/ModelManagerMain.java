package dev.sparkd.models;

import dev.sparkd.services.daemon.DaemonMain;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point of the model-manager daemon: validates sparkd.toml, prepares state and the database, then boots. */
@QuarkusMain
public final class ModelManagerMain {
    private ModelManagerMain() {
    }

    public static void main(String... args) {
        DaemonMain.run("model-manager", args);
    }
}
