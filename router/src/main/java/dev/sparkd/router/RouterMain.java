package dev.sparkd.router;

import dev.sparkd.services.daemon.DaemonMain;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point of the router daemon: validates sparkd.toml, prepares state and the database, then boots. */
@QuarkusMain
public final class RouterMain {
    private RouterMain() {
    }

    public static void main(String... args) {
        DaemonMain.run("router", args);
    }
}
