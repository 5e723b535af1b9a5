package dev.sparkd.services.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sparkd.services.testing.OpenSshServer;
import dev.sparkd.services.testing.OpenSshServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The runner against a real OpenSSH sshd on loopback. */
class SshRunnerTest {

    @RegisterExtension
    static final OpenSshServerExtension SSHD = new OpenSshServerExtension();

    @Test
    void runsACommandAndReturnsExitCodeStdoutAndStderr() {
        try (SshRunner runner = new SshRunner()) {
            CommandResult ok = runner.run(SSHD.server().target(), RemoteCommand.of("echo", "hello"));
            assertThat(ok.exitCode()).isZero();
            assertThat(ok.stdout()).isEqualTo("hello\n");
            assertThat(ok.stderr()).isEmpty();

            CommandResult failed = runner.run(SSHD.server().target(),
                    RemoteCommand.of("ls", "/nonexistent-sparkd-path"));
            assertThat(failed.exitCode()).isEqualTo(2);
            assertThat(failed.stdout()).isEmpty();
            assertThat(failed.stderr()).contains("/nonexistent-sparkd-path");
            assertThat(failed.succeeded()).isFalse();
        }
    }
}
