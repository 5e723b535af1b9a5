package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sparkd.simulator.config.ServiceKind;
import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.config.SparkConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SimConfigTest {
    @Test
    void exampleFileParses() throws Exception {
        SimConfig c = SimConfig.load(Path.of("..", "examples", "sim-two-sparks.toml"));
        assertThat(c.controlPort()).isEqualTo(18470);
        assertThat(c.sparks()).extracting(SparkConfig::name).containsExactly("spark-1", "spark-2");
        SparkConfig spark1 = c.sparks().get(0);
        assertThat(spark1.gpu()).isEqualTo("gb10");
        assertThat(spark1.ssh().port()).isPositive();
        // generated credentials live under the repository's ignored .state/, never next to the example
        Path state = Path.of("..", ".state", "sim").toAbsolutePath().normalize();
        assertThat(spark1.ssh().hostKey()).startsWithRaw(state);
        assertThat(spark1.ssh().authorizedKeys()).startsWithRaw(state);
        assertThat(c.clientKey()).isEqualTo(state.resolve("id_ed25519"));
        assertThat(c.knownHosts()).isEqualTo(state.resolve("known_hosts"));
        assertThat(c.clouds()).anyMatch(cloud -> cloud.provider().equals("openai") && cloud.port() == 18490
                && cloud.apiKeyFile().equals(state.resolve("cloud-api-key")));
        assertThat(spark1.services()).anyMatch(s -> s.name().equals("ollama-1") && s.kind() == ServiceKind.OLLAMA && s.port() == 18434);
        assertThat(spark1.services()).anyMatch(s -> s.name().equals("vllm-1") && s.kind() == ServiceKind.VLLM && s.port() == 18888);
        SparkConfig spark2 = c.sparks().get(1);
        assertThat(spark2.services()).anyMatch(s -> s.name().equals("llamacpp-1") && s.port() == 18080);
        assertThat(spark2.services()).anyMatch(s -> s.name().equals("ollama-2") && s.port() == 18435);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> SimConfig.parse("""
                [sparks.a.services.x]
                kind = "ollamma"
                [sparks.a.services.y]
                kind = "vllm"
                port = 70000
                model = "no/such"
                """)).hasMessageContaining("sparks.a.services.x.kind: unknown kind 'ollamma'")
                .hasMessageContaining("sparks.a.services.y.port: 70000 is not a port")
                .hasMessageContaining("sparks.a.services.y.model: unknown model 'no/such'");
    }

    @Test
    void sizesReadAsInSparkdToml() {
        SparkConfig spark = SimConfig.parse("""
                [sparks.a]
                gpu = "gb10"
                disk_total = "2GiB"
                disk_used = "5MB"
                """).sparks().get(0);
        assertThat(spark.diskTotal()).isEqualTo(2L << 30);
        assertThat(spark.diskUsed()).isEqualTo(5_000_000L);
        assertThatThrownBy(() -> SimConfig.parse("""
                [sparks.a]
                gpu = "gb10"
                disk_total = "lots"
                """)).hasMessageContaining("sparks.a.disk_total: not a size: 'lots'");
    }
}
