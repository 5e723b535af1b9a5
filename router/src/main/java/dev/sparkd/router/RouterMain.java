package dev.sparkd.router;

import java.util.Arrays;

import dev.sparkd.router.keys.KeysCli;
import dev.sparkd.daemon.boot.DaemonMain;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the router daemon: validates sparkd.toml, prepares state and the database, then boots.
 * {@code router keys …} manages API keys through the running daemon instead.
 */
@QuarkusMain
public final class RouterMain {
    private RouterMain() {
    }

    public static void main(String... args) throws Exception {
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(KeysCli.run(Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        DaemonMain.run("router", DaemonMain.Database.OPTIONAL_ONCE_MIGRATED, args);
    }
}
