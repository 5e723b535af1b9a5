package dev.sparkd.models.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.sparkd.core.ssh.CommandResult;
import dev.sparkd.core.ssh.RemoteCommand;
import dev.sparkd.models.config.ModelsSchema;
import dev.sparkd.models.config.ModelsSettings;

/**
 * The secrets a vLLM container gets, on their way to {@code docker run --env-file}: the catalog entry's
 * {@code env_file} lines, {@code HF_TOKEN} from {@code hf_token_file} and {@code VLLM_API_KEY} from the service's
 * {@code api_key_file}, all read on the sparkd side when a swap starts (so a rotated file applies to the next start).
 * The content reaches the Spark as the standard input of {@code install -D -m 600 /dev/stdin FILE} — never in a
 * command line on either machine — and the file is removed once {@code docker run} has read it. Values are never
 * logged; events name the variables only.
 */
final class ContainerEnvFile {
    /** Relative to the SSH user's home, where both the install and docker's {@code --env-file} resolve it. */
    static final String DIR = ".sparkd/env";
    private static final Pattern PATH = Pattern.compile("\\.sparkd/env/[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}\\.env");
    private static final Pattern LINE_VALUE = Pattern.compile("[^\\r\\n\\x00]*");

    private final Map<String, String> variables;
    private final String path;

    private ContainerEnvFile(Map<String, String> variables, String container) {
        this.variables = variables;
        this.path = DIR + "/" + container + ".env";
    }

    /** What {@code entry} needs; throws with a message naming the setting when a secret cannot be read or is malformed. */
    static ContainerEnvFile of(ModelsSettings.CatalogEntry entry, Optional<String> apiKey) {
        Map<String, String> vars = new LinkedHashMap<>();
        entry.envFile().ifPresent(file -> {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read env_file " + file + " of catalog entry " + entry.key() + ": "
                        + e.getClass().getSimpleName());
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0 || !ModelsSchema.ENV_NAME.matcher(line.substring(0, eq)).matches()) {
                    throw new IllegalStateException("env_file " + file + " line " + (i + 1) + " is not NAME=value"
                            + " (NAME: upper-case letters, digits and _)");
                }
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        });
        entry.hfToken().ifPresent(ref -> vars.put("HF_TOKEN", single("hf_token_file of " + entry.key(), ref.resolve())));
        apiKey.ifPresent(key -> vars.put("VLLM_API_KEY", single("the service's api_key_file", key)));
        return new ContainerEnvFile(Collections.unmodifiableMap(vars), entry.container());
    }

    private static String single(String what, String value) {
        if (value.isEmpty() || !LINE_VALUE.matcher(value).matches()) {
            throw new IllegalStateException(what + " is empty or spans lines; it must hold one line");
        }
        return value;
    }

    boolean isEmpty() {
        return variables.isEmpty();
    }

    /** The variable names, for events (never the values). */
    List<String> names() {
        return new ArrayList<>(variables.keySet());
    }

    boolean has(String name) {
        return variables.containsKey(name);
    }

    String value(String name) {
        return variables.get(name);
    }

    /** The remote path, relative to the SSH user's home. */
    String path() {
        return path;
    }

    /** Blocking: writes the file with mode 0600 on the service's host, content on stdin. Empty = written. */
    Optional<String> write(Backends backends, String service) {
        StringBuilder content = new StringBuilder();
        variables.forEach((k, v) -> content.append(k).append('=').append(v).append('\n'));
        RemoteCommand install = RemoteCommand.builder("install").args("-D", "-m", "600", "/dev/stdin").arg(path, PATH).build();
        CommandResult r = backends.run(service, install, content.toString().getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30));
        return r.succeeded() ? Optional.empty()
                : Optional.of("could not write the container's env file " + path + " (exit " + r.exitCode() + "): " + r.stderr().strip());
    }

    /** Blocking: removes the file (docker read it at {@code docker run}; the container keeps its own copy of the values). */
    void remove(Backends backends, String service) {
        backends.run(service, RemoteCommand.builder("rm").arg("-f").arg(path, PATH).build(), Duration.ofSeconds(30));
    }
}
