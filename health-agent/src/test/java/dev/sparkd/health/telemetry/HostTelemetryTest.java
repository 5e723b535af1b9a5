package dev.sparkd.health.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sparkd.core.config.Host;
import dev.sparkd.core.ssh.SshRunner;
import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.ssh.SimSshServer;
import dev.sparkd.simulator.testing.SshSparks;

/** SSH telemetry against simulated Sparks: GB10 [N/A] memory, a discrete card, and a wrong host key. */
class HostTelemetryTest {
    static final Path DIR = Path.of("target/telemetry-test").toAbsolutePath();
    static Simulator sim;
    static SimSshServer gb10;
    static SimSshServer discrete;
    static SshRunner ssh;

    @BeforeAll
    static void start() throws Exception {
        sim = SshSparks.start(DIR, """
                [sparks.spark-1]
                gpu = "gb10"
                models_path = "/usr/share/ollama/.ollama/models"
                [sparks.spark-2]
                gpu = "discrete"
                models_path = "/var/lib/ollama/models"
                """);
        gb10 = sim.spark("spark-1").ssh();
        discrete = sim.spark("spark-2").ssh();
        ssh = new SshRunner();
    }

    @AfterAll
    static void stop() throws Exception {
        if (ssh == null) {
            return;
        }
        ssh.close();
        sim.close();
    }

    static HostTelemetry telemetry(String name, int port, Host.GpuKind gpu, String dir, Path knownHosts) {
        Host.SshSettings settings = new Host.SshSettings("spark", port, DIR.resolve("id_ed25519"), knownHosts);
        Host host = new Host(name, "127.0.0.1", Optional.of(settings), gpu, List.of(Path.of(dir)));
        return new HostTelemetry(host, List.of(), ssh, 0.8);
    }

    /** spark-1, the GB10, its models in {@code /usr/share/ollama/.ollama/models}, trusted through {@code knownHosts}. */
    static HostTelemetry gb10Telemetry(Path knownHosts) {
        return telemetry("spark-1", gb10.port(), Host.GpuKind.GB10, "/usr/share/ollama/.ollama/models", knownHosts);
    }

    @Test
    void gb10MemoryComesFromMeminfoAndNaIsNeverZero() {
        HostStatus s = gb10Telemetry(DIR.resolve("known_hosts")).collect();
        assertThat(s.ok()).as(s.reason()).isTrue();
        assertThat(s.unifiedMemory()).isTrue();
        assertThat(s.memoryTotalBytes()).isEqualTo(125_514_308L * 1024);
        assertThat(s.memoryAvailableBytes()).isPositive().isLessThan(s.memoryTotalBytes());
        assertThat(s.gpu().name()).isEqualTo("NVIDIA GB10");
        assertThat(s.gpu().memoryTotal()).isNull();
        assertThat(s.gpu().memoryUsed()).isNull();
        assertThat(s.gpu().temperature()).isPositive();
        assertThat(s.gpu().utilization()).isBetween(0.0, 1.0);
        assertThat(s.disks()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("/usr/share/ollama/.ollama/models");
            assertThat(d.free()).isPositive();
        });
    }

    @Test
    void discreteGpuReportsItsOwnMemory() {
        HostStatus s = telemetry("spark-2", discrete.port(), Host.GpuKind.DISCRETE, "/var/lib/ollama/models",
                DIR.resolve("known_hosts")).collect();
        assertThat(s.ok()).as(s.reason()).isTrue();
        assertThat(s.unifiedMemory()).isFalse();
        assertThat(s.gpu().memoryTotal()).isPositive();
        assertThat(s.gpu().memoryUsed()).isNotNull();
    }

    @Test
    void aWrongHostKeyIsReportedWithItsFingerprintAndNothingRuns() throws Exception {
        // known_hosts vouches for spark-2's key at spark-1's address: spark-1's real key is then "changed".
        Path wrong = DIR.resolve("known_hosts_wrong");
        Files.writeString(wrong, discrete.knownHostsLine().replace(":" + discrete.port() + "]", ":" + gb10.port() + "]") + "\n");
        int before = gb10.commandLog().entries().size();
        HostStatus s = gb10Telemetry(wrong).collect();
        assertThat(s.ok()).isFalse();
        assertThat(s.reason()).contains("host key").contains(gb10.hostKeyFingerprint()).contains("no command ran");
        assertThat(s.memoryTotalBytes()).isNull();
        assertThat(gb10.commandLog().entries()).hasSize(before);
    }

    @Test
    void aModelsDiskAtTheWarningLevelMakesTheHostDegraded() {
        var disk = sim.spark("spark-1").disk();
        HostTelemetry telemetry = gb10Telemetry(DIR.resolve("known_hosts"));
        assertThat(telemetry.collect().state()).isEqualTo("UP");
        long fill = (long) (disk.total() * 0.85) - disk.used();
        assertThat(disk.allocate(fill)).isTrue();
        try {
            HostStatus s = telemetry.collect();
            assertThat(s.state()).isEqualTo("DEGRADED");
            assertThat(s.disks()).singleElement().satisfies(d -> {
                assertThat(d.warning()).isTrue();
                assertThat(d.usedRatio()).isBetween(0.84, 0.86);
            });
            assertThat(s.warnings()).containsExactly("disk /usr/share/ollama/.ollama/models is 85% full");
        } finally {
            disk.release(fill);
        }
        HostStatus after = telemetry.collect();
        assertThat(after.state()).isEqualTo("UP");
        assertThat(after.warnings()).isEmpty();
    }
}
