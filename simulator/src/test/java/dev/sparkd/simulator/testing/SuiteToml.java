package dev.sparkd.simulator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.sparkd.simulator.SimulatedSpark;
import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.http.SimulatedService;

/**
 * The sparkd.toml a test points a daemon at: its {@code [suite]}, the simulator's Sparks as {@code [hosts]} (with the
 * SSH the simulator gives them) and its services as {@code [services]}, plus the keys and tables the test adds. Tables
 * keep their order; a test adds keys to a table (the simulator's or a new one) with {@link #with}.
 */
public final class SuiteToml {
    private final Map<String, StringBuilder> tables = new LinkedHashMap<>();

    private SuiteToml(String name) {
        with("suite", "name = \"" + name + "\"\nstate_dir = \"state\"");
    }

    /** A suite with no hosts or services yet. */
    public static SuiteToml named(String name) {
        return new SuiteToml(name);
    }

    /**
     * A suite of every Spark and service {@code sim} runs, at 127.0.0.1. A Spark with SSH carries its GPU (what SSH
     * telemetry reads) and the simulator's client key and known_hosts.
     */
    public static SuiteToml of(String name, Simulator sim) {
        SuiteToml suite = new SuiteToml(name);
        for (SimulatedSpark spark : sim.sparks()) {
            suite.with("hosts." + spark.name(), "address = \"127.0.0.1\"");
            if (spark.ssh() != null) {
                suite.with("hosts." + spark.name(), "gpu = \"%s\"\nssh = { user = \"spark\", port = %d, key_file = \"%s\", known_hosts = \"%s\" }"
                        .formatted(spark.gpu(), spark.ssh().port(), sim.config().clientKey(), sim.config().knownHosts()));
            }
            for (SimulatedService service : spark.services()) {
                suite.service(service.name(), service.kind().wireName(), spark.name(), service.port());
            }
        }
        return suite;
    }

    /** A service the simulator does not declare (one a test starts itself, or one nothing listens on). */
    public SuiteToml service(String name, String kind, String host, int port) {
        return with("services." + name, "kind = \"%s\"\nhost = \"%s\"\nport = %d".formatted(kind, host, port));
    }

    /** Adds {@code keys} (TOML lines) to {@code table}, which is created after the others if new. */
    public SuiteToml with(String table, String keys) {
        StringBuilder body = tables.computeIfAbsent(table, t -> new StringBuilder());
        body.append(keys.strip()).append('\n');
        return this;
    }

    /** Writes the file (its directory created) and returns it. */
    public Path write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        tables.forEach((table, keys) -> text.append('[').append(table).append("]\n").append(keys));
        return text.toString();
    }
}
