package dev.sparkd.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A secret named by reference — a file (works with systemd {@code LoadCredential=}) or an environment variable —
 * never by value. {@link #toString()} names the reference only, so a secret cannot leak through logs or JSON.
 */
public final class SecretRef {
    private final Path file;
    private final String env;

    private SecretRef(Path file, String env) {
        this.file = file;
        this.env = env;
    }

    public static SecretRef file(Path file) {
        return new SecretRef(file, null);
    }

    public static SecretRef env(String variable) {
        return new SecretRef(null, variable);
    }

    public Optional<Path> filePath() {
        return Optional.ofNullable(file);
    }

    public Optional<String> envName() {
        return Optional.ofNullable(env);
    }

    /** Reads the secret now (files are re-read so rotated credentials apply); trailing newlines are trimmed. */
    public String resolve() {
        return resolve(System.getenv());
    }

    String resolve(Map<String, String> environment) {
        if (file != null) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read secret file " + file + ": " + e.getClass().getSimpleName()
                        + " — check the path and that this service may read it (systemd LoadCredential=)");
            }
        }
        String value = environment.get(env);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("environment variable " + env + " is not set (it should hold a secret)");
        }
        return value.strip();
    }

    /** The reference, never the value: {@code file:/run/credentials/…} or {@code env:OPENAI_API_KEY}. */
    @Override
    public String toString() {
        return file != null ? "file:" + file : "env:" + env;
    }
}
