package dev.sparkd.simulator.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialFilesTest {
    @TempDir
    Path dir;

    @Test
    void knownHostsReplacesLinesForTheSameHostAndPortAndKeepsTheRest() throws Exception {
        Path file = dir.resolve("a/known_hosts");
        Files.createDirectories(file.getParent());
        Files.write(file, List.of("# mine", "[127.0.0.1]:2222 ssh-ed25519 OLD", "github.com ssh-ed25519 GH",
                "[127.0.0.1]:22220 ssh-ed25519 OTHERPORT"));
        KnownHostsFile.update(file, List.of("[127.0.0.1]:2222 ssh-ed25519 NEW", "[127.0.0.1]:2223 ssh-ed25519 SECOND"));
        assertThat(Files.readAllLines(file)).containsExactly("# mine", "github.com ssh-ed25519 GH",
                "[127.0.0.1]:22220 ssh-ed25519 OTHERPORT", "[127.0.0.1]:2222 ssh-ed25519 NEW", "[127.0.0.1]:2223 ssh-ed25519 SECOND");
    }

    @Test
    void authorizedKeysGetsTheKeyOnceAndKeepsOtherEntries() throws Exception {
        SshKeyFile client = SshKeyFile.loadOrCreate(dir.resolve("id_ed25519"));
        SshKeyFile other = SshKeyFile.loadOrCreate(dir.resolve("other"));
        Path file = dir.resolve("ssh/authorized_keys");
        assertThat(AuthorizedKeysFile.ensureContains(file, other.keyPair().getPublic(), "other")).isTrue();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(AuthorizedKeysFile.ensureContains(file, client.keyPair().getPublic(), "client")).isTrue();
        assertThat(AuthorizedKeysFile.ensureContains(file, client.keyPair().getPublic(), "client")).isFalse();
        assertThat(Files.readAllLines(file)).containsExactly(other.publicKeyEntry() + " other", client.publicKeyEntry() + " client");
        // and the key file reloads as the same key: fingerprints survive restarts
        assertThat(SshKeyFile.loadOrCreate(dir.resolve("id_ed25519")).fingerprint()).isEqualTo(client.fingerprint());
    }
}
