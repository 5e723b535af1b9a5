package dev.sparkd.simulator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.config.SparkConfig;

/**
 * A simulator started from a test's TOML with every Spark answering SSH: the client key, known_hosts and host keys
 * live in one directory, which is also where {@link SuiteToml} writes the sparkd.toml that reaches them. The test's
 * TOML says what differs (models, services, disk); the SSH tables are added here.
 */
public final class SshSparks {
    private SshSparks() {
    }

    /** SSH on an ephemeral port per Spark. */
    public static Simulator start(Path dir, String toml) {
        return start(dir, toml, 0);
    }

    /** SSH on {@code sshPort} (a fixed port a test's config names; then only one Spark may have it). */
    public static Simulator start(Path dir, String toml, int sshPort) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Simulator.start(SimConfig.parse(withSsh(toml, dir, sshPort), dir));
    }

    static String withSsh(String toml, Path dir, int sshPort) {
        String clientKeys = "client_key = \"id_ed25519\"\nknown_hosts = \"known_hosts\"\n";
        // a TOML table is defined once: the client keys join the test's [simulator] table when it has one
        StringBuilder text = new StringBuilder(toml.contains("[simulator]\n")
                ? toml.replace("[simulator]\n", "[simulator]\n" + clientKeys)
                : "[simulator]\n" + clientKeys + toml);
        for (SparkConfig spark : SimConfig.parse(toml, dir).sparks()) {
            text.append("\n[sparks.").append(spark.name()).append(".ssh]\nport = ").append(sshPort)
                    .append("\nhost_key = \"").append(spark.name()).append("_host_ed25519\"\nauthorized_keys = \"authorized_keys\"\n");
        }
        return text.toString();
    }
}
