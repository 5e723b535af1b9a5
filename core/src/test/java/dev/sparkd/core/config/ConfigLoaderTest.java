package dev.sparkd.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    /** A daemon section as a daemon would declare it, to prove the loader validates schemas it does not know. */
    record ProbeSettings(Listen listen, Duration interval) implements DaemonSettings {
    }

    static final class ProbeSchema extends SectionSchema<ProbeSettings> {
        public ProbeSchema() {
            super("health", ProbeSettings.class);
        }

        public ProbeSettings read(ConfigTable t, SuiteConfig core) {
            Listen listen = Listen.read(t, "listen", 8471);
            Duration interval = t.duration("interval", Duration.ofSeconds(1), Duration.ofHours(1)).orElse(Duration.ofSeconds(30));
            t.finish();
            return new ProbeSettings(listen, interval);
        }
    }

    /**
     * Loads the file named by args[0] in a JVM of its own: exit 0 valid, 2 problems (printed), 1 anything else. With
     * args[1], first leaves that many MB of garbage in the old generation, as a daemon's start does.
     */
    public static final class LoadInItsOwnJvm {
        public static void main(String[] args) {
            if (args.length > 1) {
                List<byte[]> held = new ArrayList<>();
                for (int i = 0; i < Integer.parseInt(args[1]); i++) {
                    held.add(new byte[1024 * 1024]);
                }
                held.clear();
            }
            try {
                System.out.println("services: " + ConfigLoader.load(Path.of(args[0]), List.of()).services().size());
                System.exit(0);
            } catch (ConfigException e) {
                System.out.println(ConfigException.report(e.problems()));
                System.exit(2);
            }
        }
    }

    private Path write(String toml) throws IOException {
        Path file = dir.resolve("sparkd.toml");
        Files.writeString(file, toml);
        return file;
    }

    private SuiteConfig load(String toml) throws IOException {
        return ConfigLoader.load(write(toml), List.of(new ProbeSchema()));
    }

    private List<String> problems(String toml) throws IOException {
        try {
            load(toml);
        } catch (ConfigException e) {
            return e.problems().stream().map(Problem::format).toList();
        }
        throw new AssertionError("expected the config to be rejected");
    }

    @Test
    void readsSharedSectionsAndDaemonSectionWithDefaults() throws IOException {
        SuiteConfig config = load("""
                [suite]
                name = "lab"
                state_dir = "state"

                [hosts.spark-1]
                address = "192.168.1.50"
                gpu = "gb10"
                ssh = { user = "spark", key_file = "keys/id_ed25519", known_hosts = "/etc/sparkd/ssh/known_hosts" }

                [services.ollama-1]
                kind = "ollama"
                host = "spark-1"

                [services.vllm-1]
                kind = "vllm"
                host = "spark-1"
                port = 8888

                [health]
                interval = "10s"
                """);
        assertThat(config.suite().stateDir()).isEqualTo(dir.resolve("state"));
        assertThat(config.database().embedded()).isTrue();
        Host spark = config.hosts().get("spark-1");
        assertThat(spark.gpu()).isEqualTo(Host.GpuKind.GB10);
        assertThat(spark.ssh().orElseThrow().port()).isEqualTo(22);
        assertThat(spark.ssh().orElseThrow().keyFile()).isEqualTo(dir.resolve("keys/id_ed25519"));
        assertThat(config.services().get("ollama-1").baseUri()).hasToString("http://192.168.1.50:11434");
        assertThat(config.services().get("vllm-1").baseUri()).hasToString("http://192.168.1.50:8888");
        assertThat(config.services().get("vllm-1").startGrace()).isEqualTo(Duration.ofMinutes(15));
        ProbeSettings health = config.section(ProbeSettings.class);
        assertThat(health.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(health.listen()).isEqualTo(Listen.loopback(8471));
    }

    @Test
    void reportsEveryProblemAtOnceWithPositionsAndHints() throws IOException {
        List<String> problems = problems("""
                [suite]
                state_dri = "/var/lib/sparkd"

                [services.ollama-1]
                kind = "olama"
                host = "spark-9"

                [health]
                intervall = "30s"
                """);
        String file = dir.resolve("sparkd.toml").toString();
        assertThat(problems).containsExactly(
                file + ":2:1: suite.state_dri: unknown key `state_dri` — did you mean `state_dir`?",
                file + ":5:1: services.ollama-1.kind: unknown kind \"olama\" — did you mean `ollama`?",
                file + ":6:1: services.ollama-1.host: no host named \"spark-9\" — declare it as [hosts.spark-9]",
                file + ":9:1: health.intervall: unknown key `intervall` — did you mean `interval`?");
    }

    @Test
    void refusesInlineSecretsWithoutEchoingThem() throws IOException {
        List<String> problems = problems("""
                [services.openai]
                kind = "openai"
                api_key = "sk-secret-value-123"

                [database]
                url = "postgresql://sparkd:hunter2@db:5432/sparkd"
                """);
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("3:1: services.openai.api_key: secrets are not written inline", "api_key_file", "api_key_env");
        assertThat(problems.get(1)).contains("6:1: database.url: the URL contains a password", "password_file");
        assertThat(String.join("\n", problems)).doesNotContain("sk-secret-value-123").doesNotContain("hunter2");
    }

    @Test
    void secretsAreReadByReferenceAndNeverPrinted() throws IOException {
        Path key = dir.resolve("openai-key");
        Files.writeString(key, "sk-abc\n");
        SuiteConfig config = load("""
                [services.openai]
                kind = "openai"
                api_key_file = "%s"
                """.formatted(key));
        SecretRef ref = config.services().get("openai").apiKey().orElseThrow();
        assertThat(ref.resolve()).isEqualTo("sk-abc");
        assertThat(ref.toString()).isEqualTo("file:" + key).doesNotContain("sk-abc");
        assertThat(config.toString()).doesNotContain("sk-abc");
        assertThat(config.services().get("openai").baseUri()).hasToString("https://api.openai.com");
    }

    @Test
    void localModelServersTakeAnApiKeyByReferenceAndHttpsTrustSettings() throws IOException {
        Path key = dir.resolve("vllm-key");
        Files.writeString(key, "local-secret-1\n");
        SuiteConfig config = load("""
                [hosts.spark-1]
                address = "10.0.0.7"

                [services.vllm]
                kind = "vllm"
                host = "spark-1"
                api_key_file = "%s"

                [services.tls]
                kind = "llamacpp"
                url = "https://10.0.0.8:8443"
                ca_file = "lan-ca.pem"

                [services.pinned]
                kind = "ollama"
                url = "https://10.0.0.9:11443"
                pinned_sha256 = "%s"
                """.formatted(key, "AB:".repeat(31) + "AB"));
        assertThat(config.services().get("vllm").apiKey().orElseThrow().resolve()).isEqualTo("local-secret-1");
        assertThat(config.services().get("vllm").tls().isDefault()).isTrue();
        assertThat(config.services().get("tls").apiKey()).isEmpty();
        assertThat(config.services().get("tls").tls().caFile().orElseThrow()).isEqualTo(dir.resolve("lan-ca.pem"));
        assertThat(config.services().get("pinned").tls().pinnedSha256()).contains("ab".repeat(32));
        assertThat(config.toString()).doesNotContain("local-secret-1");
    }

    @Test
    void tlsSettingsAreRefusedWithoutHttpsOrWhenMalformed() throws IOException {
        List<String> problems = problems("""
                [services.plain]
                kind = "vllm"
                url = "http://10.0.0.7:8000"
                ca_file = "ca.pem"

                [services.badpin]
                kind = "vllm"
                url = "https://10.0.0.7:8443"
                pinned_sha256 = "not-a-fingerprint"

                [services.inline]
                kind = "llamacpp"
                url = "http://10.0.0.7:8080"
                api_key = "sk-local-inline"
                """);
        String all = String.join("\n", problems);
        assertThat(all).contains("services.plain.ca_file: TLS settings need an https:// `url`")
                .contains("services.badpin.pinned_sha256: expected a SHA-256 fingerprint")
                .contains("services.inline.api_key: secrets are not written inline")
                .doesNotContain("sk-local-inline");
    }

    @Test
    void externalDatabaseGivesReactiveAndJdbcUrlsWithoutPassword() throws IOException {
        SuiteConfig config = load("""
                [database]
                url = "postgresql://sparkd@10.0.0.5:5433/sparkd?sslmode=require"
                password_env = "SPARKD_DB_PASSWORD"
                """);
        assertThat(config.database().reactiveUrl()).contains("postgresql://10.0.0.5:5433/sparkd?sslmode=require");
        assertThat(config.database().jdbcUrl()).contains("jdbc:postgresql://10.0.0.5:5433/sparkd?sslmode=require");
        assertThat(config.database().effectiveUser()).isEqualTo("sparkd");
        assertThat(config.database().password().orElseThrow()).hasToString("env:SPARKD_DB_PASSWORD");
    }

    @Test
    void typeAndRangeErrorsSayWhatWasExpected() throws IOException {
        List<String> problems = problems("""
                [hosts.a]
                address = "10.0.0.1"
                ssh = { user = "spark", port = 70000, key_file = "/k", known_hosts = "/kh" }

                [services.s]
                kind = "tcp"
                host = "a"
                port = "6333"
                timeout = "fast"
                """);
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).contains(":3:25: hosts.a.ssh.port: expected an integer from 1 to 65535, found 70000");
        assertThat(problems.get(1)).contains(":8:1: services.s.port: expected an integer, found a string (\"6333\")");
        assertThat(problems.get(2)).contains(":9:1: services.s.timeout: expected a duration like \"30s\"");
    }

    @Test
    void syntaxErrorsAreLocated() throws IOException {
        List<String> problems = problems("[suite]\nname = \"x\n");
        assertThat(problems).singleElement().asString().contains(":2:").contains("TOML syntax");
    }

    @Test
    void missingFileSaysWhereToPutIt() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.toml"), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config file not found")
                .hasMessageContaining("--config");
    }

    @Test
    void sectionOfAnotherDaemonIsLeftToItsSchema() throws IOException {
        SuiteConfig config = load("""
                [router]
                anything = "is validated by the router's own schema"
                """);
        assertThat(config.section("router")).isEmpty();
    }

    @Test
    void aFileTooLargeForTheHeapIsAProblemWithTheFixNotAnOutOfMemoryError() throws Exception {
        // 5,000 services, 343 KB: tomlj needs between 64 and 80 MB of heap to parse it
        StringBuilder toml = new StringBuilder("[suite]\nname = \"big\"\nstate_dir = \"state\"\n\n");
        for (int i = 0; i < 5000; i++) {
            toml.append("[services.e").append(i).append("]\nkind = \"http\"\nurl = \"http://127.0.0.1:29100/e/").append(i).append("\"\n");
        }
        Path file = write(toml.toString());

        Process small = loadInItsOwnJvm(file, "-Xmx64m");
        String said = new String(small.getInputStream().readAllBytes());
        assertThat(small.waitFor()).as(said).isEqualTo(2);
        assertThat(said).contains("the config file is 334 KB").contains("MB heap free: it reads at most 2")
                .containsPattern("SPARKD_JAVA_OPTS=-Xmx\\d+m").doesNotContain("OutOfMemoryError");

        // the heap the message names is enough
        Matcher suggested = Pattern.compile("SPARKD_JAVA_OPTS=(-Xmx\\d+m)").matcher(said);
        assertThat(suggested.find()).isTrue();
        Process large = loadInItsOwnJvm(file, suggested.group(1));
        String read = new String(large.getInputStream().readAllBytes());
        assertThat(large.waitFor()).as(read).isZero();
        assertThat(read).contains("services: 5000");
    }

    @Test
    void garbageInTheHeapDoesNotRefuseAFileThatFits() throws Exception {
        // 2,000 services, about 137 KB: fits a 64 MB heap, but not beside 36 MB of garbage that no collection has freed yet
        StringBuilder toml = new StringBuilder("[suite]\nname = \"mid\"\nstate_dir = \"state\"\n\n");
        for (int i = 0; i < 2000; i++) {
            toml.append("[services.e").append(i).append("]\nkind = \"http\"\nurl = \"http://127.0.0.1:29100/e/").append(i).append("\"\n");
        }
        Process p = loadInItsOwnJvm(write(toml.toString()), "-Xmx64m", "36");
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(said).isZero();
        assertThat(said).contains("services: 2000");
    }

    private static Process loadInItsOwnJvm(Path file, String heap, String... garbageMegabytes) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), LoadInItsOwnJvm.class.getName(), file.toString()));
        cmd.addAll(List.of(garbageMegabytes));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }
}
