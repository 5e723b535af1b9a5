package dev.sparkd.models.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkd.core.config.ConfigException;
import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.ssh.RemoteCommand;
import dev.sparkd.models.config.ModelsSettings;

/** The keys a real Spark's swaps need, as the checker reads them: defaults, and what it refuses before anything runs. */
class VllmCatalogConfigTest {
    @TempDir
    Path dir;

    SuiteConfig load(String hosts, String service, String vllm, String entry) throws IOException {
        Path file = dir.resolve("sparkd.toml");
        Files.writeString(file, """
                [suite]
                name = "t"
                state_dir = "state"
                [hosts.spark-1]
                address = "192.168.1.50"
                ssh = { user = "spark", key_file = "k", known_hosts = "kh" }
                %s
                [services.vllm-1]
                kind = "vllm"
                host = "spark-1"
                %s
                [models.vllm-1]
                active = "a"
                %s
                [models.vllm-1.catalog.a]
                image = "vllm/vllm-openai:v0.11.0"
                model = "meta-llama/Llama-3.1-8B-Instruct"
                %s
                """.formatted(hosts, service, vllm, entry));
        return ConfigLoader.load(file);
    }

    @Test
    void defaultsFollowTheDgxSparkPlaybooksAndNeverPublishOnAllInterfaces() throws IOException {
        SuiteConfig c = load("", "", "", "");
        assertThat(c.host("spark-1").orElseThrow().hfCache()).isEqualTo("/home/spark/.cache/huggingface");
        ModelsSettings.VllmCatalog catalog = c.section(ModelsSettings.class).vllm().get("vllm-1");
        assertThat(catalog.publishAddress()).isEqualTo("192.168.1.50");
        assertThat(catalog.minFreeDisk()).isEqualTo(20L << 30);
        ModelsSettings.CatalogEntry e = catalog.catalog().get("a");
        assertThat(e.fetchTimeout()).isEqualTo(Duration.ofHours(4));
        assertThat(e.hfToken()).isEmpty();
        assertThat(c.service("vllm-1").orElseThrow().apiKey()).isEmpty();

        RemoteCommand run = SwapService.runCommand(e, "/data/hf", catalog.publishAddress(), Optional.of(".sparkd/env/vllm-vllm-1.env"));
        assertThat(run.toShell()).startsWith("docker run -d --name vllm-vllm-1 --restart unless-stopped --gpus all --ipc host "
                + "--ulimit 'memlock=-1' -p 192.168.1.50:8000:8000 -v /data/hf:/root/.cache/huggingface "
                + "--env-file .sparkd/env/vllm-vllm-1.env --entrypoint vllm vllm/vllm-openai:v0.11.0 serve meta-llama/Llama-3.1-8B-Instruct");
    }

    @Test
    void secretsAreReferencesAndTheirFilesAreRead() throws IOException {
        SuiteConfig c = load("hf_cache = \"/srv/hf\"", "api_key_file = \"/run/credentials/vllm-key\"",
                "publish_address = \"127.0.0.1\"\nmin_free_disk = \"50GiB\"",
                "hf_token_file = \"/run/credentials/hf-token\"\nenv_file = \"/etc/sparkd/vllm.env\"\nfetch_timeout = \"6h\"");
        assertThat(c.host("spark-1").orElseThrow().hfCache()).isEqualTo("/srv/hf");
        assertThat(c.service("vllm-1").orElseThrow().apiKey().orElseThrow()).hasToString("file:/run/credentials/vllm-key");
        ModelsSettings.CatalogEntry e = c.section(ModelsSettings.class).vllm().get("vllm-1").catalog().get("a");
        assertThat(e.hfToken().orElseThrow()).hasToString("file:/run/credentials/hf-token");
        assertThat(e.envFile()).contains(Path.of("/etc/sparkd/vllm.env"));
        assertThat(e.fetchTimeout()).isEqualTo(Duration.ofHours(6));
    }

    @Test
    void unsafeValuesAreRefusedByTheChecker() {
        assertThatThrownBy(() -> load("hf_cache = \"/srv/hf; rm -rf /\"", "api_key = \"sk-inline\"", "publish_address = \"0.0.0.0\"",
                "hf_token = \"hf_inline\"\nenv = { HF_TOKEN = \"hf_x\", VLLM_API_KEY = \"k\" }"))
                .isInstanceOf(ConfigException.class)
                .satisfies(t -> assertThat(ConfigException.report(((ConfigException) t).problems()))
                        .contains("hosts.spark-1.hf_cache")
                        .contains("services.vllm-1.api_key: secrets are not written inline")
                        .contains("models.vllm-1.publish_address: a swap never publishes vLLM on all interfaces")
                        .contains("models.vllm-1.catalog.a.hf_token: secrets are not written inline")
                        .contains("HF_TOKEN holds a secret and is not written inline — set hf_token_file in this catalog entry")
                        .contains("VLLM_API_KEY holds a secret and is not written inline — set api_key_file in [services.vllm-1]")
                        .doesNotContain("sk-inline").doesNotContain("hf_inline").doesNotContain("hf_x"));
    }
}
