package dev.sparkd.daemon.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.sparkd.core.db.EmbeddedPostgres;
import dev.sparkd.core.db.EmbeddedPostgresOptions;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} a real PostgreSQL with nothing installed but a JDK: the embedded server
 * of {@link EmbeddedPostgres}, in a fresh data directory under the module's {@code target/}.
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(EmbeddedPostgresTestResource.class)   // or @WithTestResource
 * class RouteRepositoryTest { ... }
 * }</pre>
 *
 * <p>The module's test configuration must also say {@code quarkus.datasource.devservices.enabled=false}:
 * Quarkus decides about Dev Services while building the test application, before any test resource
 * starts, and without that setting it fails with "Please configure the datasource URL for default
 * datasource or ensure the Docker daemon is up and running".
 *
 * <p>Sets {@code quarkus.datasource.reactive.url}, {@code quarkus.datasource.jdbc.url},
 * {@code quarkus.datasource.username} and {@code quarkus.datasource.password}. A test field of type
 * {@link EmbeddedPostgres} is injected. Init arg {@value #DATABASE} names the database (default
 * {@code sparkd}). The system property {@value #ROOT_PROPERTY} moves the directory away from
 * {@code target/sparkd-test-postgres}.
 */
public class EmbeddedPostgresTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE = "database";
    public static final String ROOT_PROPERTY = "sparkd.test.postgres.dir";

    /** Several resources may run in one JVM (one per test profile); each gets its own data directory. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private String database = "sparkd";
    private EmbeddedPostgres postgres;
    private Path stateDir;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault(DATABASE, database);
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
                .database(database)
                .build());
        return postgres.datasourceProperties();
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(postgres, new TestInjector.MatchesType(EmbeddedPostgres.class));
    }

    @Override
    public void stop() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
            deleteTree(stateDir);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not delete " + dir, e);
        }
    }
}
