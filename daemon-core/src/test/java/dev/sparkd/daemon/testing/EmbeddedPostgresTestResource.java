package dev.sparkd.daemon.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.sparkd.core.db.EmbeddedPostgres;
import dev.sparkd.core.db.EmbeddedPostgresOptions;
import dev.sparkd.core.db.HostDatabase;
import dev.sparkd.migrate.Login;
import dev.sparkd.migrate.SchemaMigrator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} a real, migrated PostgreSQL with nothing installed but a JDK: the embedded server
 * of {@link EmbeddedPostgres} in a fresh data directory under the module's {@code target/}, prepared the way
 * {@code sparkd migrate} prepares the host's server before a daemon starts — the daemon's role and schema, then its
 * versioned migrations, with the same code ({@link SchemaMigrator}).
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(EmbeddedPostgresTestResource.class)   // or @WithTestResource
 * class RouteRepositoryTest { ... }
 * }</pre>
 *
 * <p>The daemon is the {@code sparkd.daemon} of the module's {@code application.properties} (init arg
 * {@value #DAEMON} overrides it). Sets {@code quarkus.datasource.reactive.url}, {@code .username} (the daemon's
 * role) and {@code .password}. A test field of type {@link EmbeddedPostgres} is injected. The system property
 * {@value #ROOT_PROPERTY} moves the directory away from {@code target/sparkd-test-postgres}.
 */
public class EmbeddedPostgresTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String DAEMON = "daemon";
    public static final String ROOT_PROPERTY = "sparkd.test.postgres.dir";

    /** Several resources may run in one JVM (one per test profile); each gets its own data directory. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private String daemon;
    private EmbeddedPostgres postgres;
    private Path stateDir;

    @Override
    public void init(Map<String, String> initArgs) {
        daemon = initArgs.containsKey(DAEMON) ? initArgs.get(DAEMON) : daemonOfThisModule();
    }

    @Override
    public Map<String, String> start() {
        // Surefire runs tests in the module directory, so this is the module's target/, never /tmp.
        Path root = Path.of(System.getProperty(ROOT_PROPERTY, "target/sparkd-test-postgres")).toAbsolutePath();
        stateDir = root.resolve("run-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet());
        deleteTree(stateDir);
        postgres = EmbeddedPostgres.start(EmbeddedPostgresOptions.builder(stateDir.resolve("postgres"))
                // Kept across runs, so the binaries are unpacked once per clean build.
                .binariesDir(root.resolve("binaries"))
                .database(HostDatabase.DATABASE)
                .user(HostDatabase.SUPERUSER)
                .build());
        String password = HostDatabase.newPassword();
        Login role = new Login(postgres.jdbcUrl(), HostDatabase.schema(daemon), password);
        try {
            SchemaMigrator.ensureRoleAndSchema(new Login(postgres.jdbcUrl(), postgres.username(), postgres.password()), daemon, password);
            SchemaMigrator.migrate(role, daemon);
        } catch (SQLException e) {
            postgres.close();
            throw new IllegalStateException("could not migrate " + daemon + "'s schema: " + e.getMessage(), e);
        }
        return Map.of(
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(),
                "quarkus.datasource.username", role.user(),
                "quarkus.datasource.password", password);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(postgres, new TestInjector.MatchesType(EmbeddedPostgres.class));
        testInjector.injectIntoFields(this, new TestInjector.MatchesType(EmbeddedPostgresTestResource.class));
    }

    /** The server the daemon under test uses now ({@link #restartAfterCrash()} replaces it). */
    public synchronized EmbeddedPostgres postgres() {
        return postgres;
    }

    /**
     * Sends {@code signal} ({@code STOP}, {@code CONT}, {@code KILL}) to the server's postmaster and every process it
     * started (backends, checkpointer, WAL writer): stopping the postmaster alone would leave open connections served.
     */
    public void signal(String signal) throws IOException, InterruptedException {
        ProcessHandle postmaster = ProcessHandle.of(postgres().pid()).orElseThrow();
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        Stream.concat(Stream.of(postmaster), postmaster.descendants()).forEach(p -> command.add(Long.toString(p.pid())));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    /**
     * After the server was killed (a chaos test): releases the dead one and starts the same data directory on the same
     * port, as {@code sparkd db}'s supervision does, retrying while the killed backends let go of shared memory.
     */
    public synchronized EmbeddedPostgres restartAfterCrash() {
        EmbeddedPostgres dead = postgres;
        dead.exited().orTimeout(30, TimeUnit.SECONDS).join();
        dead.close();
        EmbeddedPostgresOptions same = new EmbeddedPostgresOptions(dead.options().dataDir(), dead.options().binariesDir(),
                dead.port(), dead.options().database(), dead.options().user(), dead.options().startupTimeout(),
                dead.options().serverAccount());
        RuntimeException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                postgres = EmbeddedPostgres.start(same);
                return postgres;
            } catch (RuntimeException e) {
                last = e;
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        throw last;
    }

    @Override
    public void stop() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
            deleteTree(stateDir);
        }
    }

    /**
     * {@code sparkd.daemon} of the module under test: its {@code application.properties}, which Surefire (running in
     * the module's directory) finds in {@code target/classes}.
     */
    private static String daemonOfThisModule() {
        Path file = Path.of("target/classes/application.properties");
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String daemon = properties.getProperty("sparkd.daemon");
        if (daemon == null) {
            throw new IllegalStateException("no sparkd.daemon in " + file.toAbsolutePath() + ": pass the init arg " + DAEMON);
        }
        return daemon;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
