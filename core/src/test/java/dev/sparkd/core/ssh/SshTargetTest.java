package dev.sparkd.core.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SshTargetTest {

    private static final Path KEY = Path.of("/etc/sparkd/ssh/id_ed25519");
    private static final Path KNOWN_HOSTS = Path.of("/etc/sparkd/ssh/known_hosts");

    @Test
    void defaultsToPort22AndNamesItselfForMessages() {
        SshTarget target = SshTarget.of("192.168.1.50", "spark", KEY, KNOWN_HOSTS);
        assertThat(target.port()).isEqualTo(22);
        assertThat(target.knownHostsName()).isEqualTo("192.168.1.50");
        assertThat(target.describe()).isEqualTo("spark@192.168.1.50:22");
        assertThat(target.withName("spark-1").withPort(2222).describe())
                .isEqualTo("spark-1 (spark@192.168.1.50:2222)");
    }

    @Test
    void namesNonStandardPortsTheOpenSshWay() {
        assertThat(SshTarget.of("Spark-1.LAN", "spark", KEY, KNOWN_HOSTS).withPort(2222)
                .knownHostsName()).isEqualTo("[spark-1.lan]:2222");
        assertThat(SshTarget.of("fd00::50", "spark", KEY, KNOWN_HOSTS).withPort(2222)
                .knownHostsName()).isEqualTo("[fd00::50]:2222");
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.168.1.50", "spark-1", "spark-1.lan", "::1", "fd00::50",
        "2001:db8::1"})
    void acceptsAddresses(String address) {
        assertThat(SshTarget.of(address, "spark", KEY, KNOWN_HOSTS).address()).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-oProxyCommand=x", "spark@host", "host:22", "[::1]", "a b",
        "host;id", "-host", "host-", "$(id)", "host\n"})
    void rejectsAddresses(String address) {
        assertThatThrownBy(() -> SshTarget.of(address, "spark", KEY, KNOWN_HOSTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SSH address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-root", "a b", "user;id", "$(id)", "0day",
        "averyveryveryveryveryverylongusername"})
    void rejectsUsers(String user) {
        assertThatThrownBy(() -> SshTarget.of("spark-1", user, KEY, KNOWN_HOSTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SSH user");
    }

    @Test
    void rejectsPortsOutOfRangeAndOddNames() {
        SshTarget target = SshTarget.of("spark-1", "spark", KEY, KNOWN_HOSTS);
        assertThatThrownBy(() -> target.withPort(0)).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> target.withPort(65536)).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> target.withName("bad name"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
