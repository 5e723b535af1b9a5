package dev.sparkd.health.notify;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import dev.sparkd.core.config.Suggestions;
import dev.sparkd.health.config.CommandConfig;
import dev.sparkd.health.config.HealthSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code health-agent notify test [--config FILE] [CHANNEL…]} ({@code ./sparkd notify test}): sends a test message on
 * each configured channel, or the named ones, without the daemon; prints one line per channel and exits 0 when all
 * were delivered, 1 when one failed, 2 when the configuration is invalid or names no such channel.
 */
@Command(name = "notify", subcommands = NotifyCommand.Test.class, description = "Notification channels.")
public final class NotifyCommand implements Callable<Integer> {
    public static final int OK = 0;
    public static final int PROBLEM = 1;
    public static final int CONFIG = 2;
    static final String USAGE = "usage: sparkd notify test [--config FILE] [CHANNEL...]";

    private final PrintStream err;

    private NotifyCommand(PrintStream err) {
        this.err = err;
    }

    /** {@code notify} without {@code test}. */
    @Override
    public Integer call() {
        err.println(USAGE);
        return CONFIG;
    }

    public static boolean wanted(String... args) {
        return args.length > 0 && args[0].equals("notify");
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new NotifyCommand(err), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == Test.class ? type.cast(new Test(env, out, err)) : CommandLine.defaultFactory().create(type);
            }
        });
        line.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).setParameterExceptionHandler((e, a) -> {
            err.println("notify: " + e.getMessage());
            err.println(USAGE);
            return CONFIG;
        });
        line.setExecutionExceptionHandler((e, l, r) -> {
            err.println("notify: " + e);
            return PROBLEM;
        });
        return line.execute(List.of(args).subList(1, args.length).toArray(String[]::new));
    }

    @Command(name = "test", description = "Sends a test message on each channel (or the named ones).")
    static final class Test implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "sparkd.toml (default: $SPARKD_CONFIG, then the system file)")
        Path config;

        @Parameters(paramLabel = "CHANNEL", arity = "0..*", description = "channels to test (default: all)")
        List<String> names = new ArrayList<>();

        private final Map<String, String> env;
        private final PrintStream out;
        private final PrintStream err;

        Test(Map<String, String> env, PrintStream out, PrintStream err) {
            this.env = env;
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() throws Exception {
            Optional<CommandConfig> loaded = CommandConfig.load(config, env, "notify", err);
            if (loaded.isEmpty()) {
                return CONFIG;
            }
            CommandConfig command = loaded.get();
            HealthSettings settings = command.settings();
            List<String> known = settings.notifications().channels().stream().map(HealthSettings.Channel::name).toList();
            if (known.isEmpty()) {
                err.println("notify: no channels in " + command.file() + " — add one under [health.notify.channels.<name>] (docs/health-agent.md#notifications)");
                return CONFIG;
            }
            for (String n : names) {
                if (!known.contains(n)) {
                    err.println("notify: no channel named \"" + n + "\" " + Suggestions.hint(n, known) + " (channels: " + String.join(", ", known) + ")");
                    return CONFIG;
                }
            }
            Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
            try (Notifications notifications = new Notifications(vertx, settings, command.suite().suite().name(), (c, o) -> { }, Duration.ofSeconds(1))) {
                List<ChannelSender> on = notifications.senders().stream()
                        .filter(s -> names.isEmpty() || names.contains(s.channel().name())).toList();
                List<Future<Void>> sent = notifications.test(on, "sent by `sparkd notify test` for suite " + command.suite().suite().name());
                Future.join(sent).toCompletionStage().handle((v, e) -> null).toCompletableFuture().get(120, TimeUnit.SECONDS);
                boolean all = true;
                for (int i = 0; i < on.size(); i++) {
                    HealthSettings.Channel c = on.get(i).channel();
                    Future<Void> f = sent.get(i);
                    String where = c.kind().name().toLowerCase() + ", " + c.url().getHost();
                    if (f.succeeded()) {
                        out.println("✓ " + c.name() + " (" + where + "): delivered");
                    } else {
                        all = false;
                        out.println("✗ " + c.name() + " (" + where + "): " + f.cause().getMessage() + " — " + fix(c));
                    }
                }
                return all ? OK : PROBLEM;
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }

        private static String fix(HealthSettings.Channel c) {
            return switch (c.kind()) {
                case WEBHOOK -> "check url, and token_file if the receiver wants a token";
                case NTFY -> "check server and topic; a protected topic needs token_file with an access token (tk_…)";
                case MATRIX -> "check homeserver and room, and that token_file's user has joined the room";
            };
        }
    }
}
