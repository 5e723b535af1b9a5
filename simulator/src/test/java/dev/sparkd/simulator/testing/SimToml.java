package dev.sparkd.simulator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Simulator TOML for tests: fixture files, and the service table every test's own config repeats. */
public final class SimToml {
    private SimToml() {
    }

    /** The text of a simulator config kept as a test resource ({@code file} relative to the module). */
    public static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A simulator config fixture this package ships (on the test classpath of every module that uses the test-jar). */
    public static String resource(String name) {
        try (InputStream in = SimToml.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no simulator fixture " + name + " next to " + SimToml.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The table of a service {@code name} of {@code kind} on {@code spark}, on an ephemeral port, with the {@code keys}
     * (TOML lines, may be empty) that set it apart.
     */
    public static String service(String spark, String name, String kind, String keys) {
        return "[sparks.%s.services.%s]\nkind = \"%s\"\nport = 0\n%s\n".formatted(spark, name, kind, keys.strip());
    }
}
