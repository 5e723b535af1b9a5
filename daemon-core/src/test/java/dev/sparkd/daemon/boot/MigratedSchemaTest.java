package dev.sparkd.daemon.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import dev.sparkd.core.db.EmbeddedPostgres;
import dev.sparkd.core.db.EmbeddedPostgresOptions;
import dev.sparkd.core.db.HostDatabase;
import dev.sparkd.migrate.Login;
import dev.sparkd.migrate.SchemaMigrator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A daemon refuses to start on a schema `sparkd migrate` has not prepared, and says which command fixes it. */
class MigratedSchemaTest {

    private static final String FIX = "run `sparkd migrate --config /etc/sparkd/sparkd.toml test-daemon` first";
    private static EmbeddedPostgres postgres;
    private static Login admin;

    @BeforeAll
    static void start() {
        Path root = Path.of("target/sparkd-test-postgres").toAbsolutePath();
        postgres = EmbeddedPostgres.start(EmbeddedPostgresOptions.builder(root.resolve("migrated-schema-" + ProcessHandle.current().pid())
                .resolve("postgres")).binariesDir(root.resolve("binaries")).build());
        admin = new Login(postgres.jdbcUrl(), postgres.username(), postgres.password());
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void anUnmigratedSchemaStopsTheDaemonWithTheFixAndAMigratedOnePasses() throws Exception {
        String password = HostDatabase.newPassword();
        SchemaMigrator.ensureRoleAndSchema(admin, "test-daemon", password); // role and schema, no migrations yet
        assertThatThrownBy(() -> MigratedSchema.require(postgres.reactiveUrl(), "test_daemon", password, "test_daemon", FIX,
                Duration.ofSeconds(10)))
                .isInstanceOf(MigratedSchema.NotReady.class)
                .hasMessageContaining("schema test_daemon is not migrated")
                .hasMessageContaining("sparkd migrate --config /etc/sparkd/sparkd.toml test-daemon");

        SchemaMigrator.migrate(new Login(postgres.jdbcUrl(), "test_daemon", password), "test-daemon");
        assertThatCode(() -> MigratedSchema.require(postgres.reactiveUrl(), "test_daemon", password, "test_daemon", FIX,
                Duration.ofSeconds(10))).doesNotThrowAnyException();
    }

    @Test
    void aRoleThatMigrateNeverCreatedIsRefusedAtOnceNotAfterTheDeadline() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> MigratedSchema.require(postgres.reactiveUrl(), "no_such_daemon", "x".repeat(20),
                "no_such_daemon", FIX, Duration.ofSeconds(30)))
                .isInstanceOf(MigratedSchema.NotReady.class)
                .hasMessageContaining("refused no_such_daemon")
                .hasMessageContaining("sparkd migrate");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no waiting for the deadline on a login that cannot succeed")
                .isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void noServerMeansAClearTimeout() {
        assertThatThrownBy(() -> MigratedSchema.require("postgresql://127.0.0.1:1/sparkd", "router", "x".repeat(20), "router",
                FIX, Duration.ofSeconds(1)))
                .isInstanceOf(MigratedSchema.NotReady.class)
                .hasMessageContaining("no PostgreSQL answered on postgresql://127.0.0.1:1/sparkd within 1 s");
    }
}
