package dev.sparkd.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostOutputTest {
    @Test
    void meminfoIsReadInBytesAndSkipsWhatIsNotANumber() {
        var m = HostOutput.meminfo("MemTotal:       125513952 kB\nMemAvailable:   107000000 kB\nHugePages_Total:       0\nbroken: x kB\n");
        assertThat(m).containsEntry("MemTotal", 125513952L * 1024).containsEntry("MemAvailable", 107000000L * 1024)
                .containsEntry("HugePages_Total", 0L).doesNotContainKey("broken");
    }

    @Test
    void theExitCauseIsTheLastErrorLineNotTheShutdownChatter() {
        String logs = """
                INFO loading weights
                ValueError: Free memory on device (102.2/119.7 GiB) on startup is less than desired GPU memory utilization
                INFO shutting down

                """;
        assertThat(HostOutput.exitCause(logs)).startsWith("ValueError: Free memory on device");
        assertThat(HostOutput.exitCause("INFO one\nINFO two\n")).isEqualTo("INFO two");
        assertThat(HostOutput.exitCause("\n\n")).isNull();
    }
}
