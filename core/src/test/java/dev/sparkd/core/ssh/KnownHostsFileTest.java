package dev.sparkd.core.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkd.core.ssh.KnownHostsFile.Verdict;
import dev.sparkd.core.testing.OpenSshServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsFileTest {

    private static final byte[] ED_A = blob("ssh-ed25519", 1);
    private static final byte[] ED_B = blob("ssh-ed25519", 2);
    private static final byte[] ECDSA = blob("ecdsa-sha2-nistp256", 3);

    @Test
    void trustsTheRecordedKeyForPlainAndBracketedNames() {
        KnownHostsFile file = KnownHostsFile.parse(List.of(
                "# comment",
                "",
                "192.168.1.50 " + line(ED_A),
                "[192.168.1.50]:2222 " + line(ED_B) + " a comment"));
        assertThat(file.check("192.168.1.50", ED_A)).isEqualTo(Verdict.TRUSTED);
        assertThat(file.check("[192.168.1.50]:2222", ED_B)).isEqualTo(Verdict.TRUSTED);
    }

    @Test
    void sameTypeOtherKeyIsChangedOtherTypeIsUnknown() {
        KnownHostsFile file = KnownHostsFile.parse(List.of("spark-1 " + line(ED_A)));
        assertThat(file.check("spark-1", ED_B)).isEqualTo(Verdict.CHANGED);
        assertThat(file.check("spark-1", ECDSA)).isEqualTo(Verdict.UNKNOWN);
        assertThat(file.check("spark-2", ED_A)).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void doesNotFallBackFromAPortToThePlainHost() {
        KnownHostsFile file = KnownHostsFile.parse(List.of("10.0.0.1 " + line(ED_A)));
        assertThat(file.check("[10.0.0.1]:2222", ED_A)).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void matchesCommaListsWildcardsAndNegationCaseInsensitively() {
        KnownHostsFile file = KnownHostsFile.parse(List.of(
                "spark-?.lan,!spark-9.lan,10.0.0.* " + line(ED_A)));
        assertThat(file.check("SPARK-1.lan", ED_A)).isEqualTo(Verdict.TRUSTED);
        assertThat(file.check("10.0.0.77", ED_A)).isEqualTo(Verdict.TRUSTED);
        assertThat(file.check("spark-9.lan", ED_A)).isEqualTo(Verdict.UNKNOWN);
        assertThat(file.check("spark-10.lan", ED_A)).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void revokedKeyIsRevokedEvenIfAlsoListedAsTrusted() {
        KnownHostsFile file = KnownHostsFile.parse(List.of(
                "spark-1 " + line(ED_A),
                "@revoked * " + line(ED_A)));
        assertThat(file.check("spark-1", ED_A)).isEqualTo(Verdict.REVOKED);
        assertThat(file.entriesFor("spark-1")).hasSize(1);
    }

    @Test
    void skipsCorruptAndCertificateAuthorityLines() {
        KnownHostsFile file = KnownHostsFile.parse(List.of(
                "spark-1 ssh-ed25519 not-base64!",
                "spark-1 ssh-rsa " + Base64.getEncoder().encodeToString(ED_A),
                "@cert-authority * " + line(ED_A),
                "spark-1",
                "spark-1 " + line(ECDSA)));
        assertThat(file.entries()).hasSize(1);
        assertThat(file.check("spark-1", ED_A)).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void readsEntriesHashedByOpenSsh(@TempDir Path dir) throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[192.168.1.50]:2222 " + line(ED_A) + "\nspark-1 "
                + line(ED_B) + "\n");
        OpenSshServer.sshKeygen("-H", "-f", knownHosts.toString());
        assertThat(Files.readString(knownHosts)).startsWith("|1|").doesNotContain("spark-1");

        KnownHostsFile file = KnownHostsFile.load(knownHosts);
        assertThat(file.check("[192.168.1.50]:2222", ED_A)).isEqualTo(Verdict.TRUSTED);
        assertThat(file.check("spark-1", ED_B)).isEqualTo(Verdict.TRUSTED);
        assertThat(file.check("spark-1", ED_A)).isEqualTo(Verdict.CHANGED);
        assertThat(file.check("192.168.1.50", ED_A)).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void missingFileIsEmpty(@TempDir Path dir) throws IOException {
        assertThat(KnownHostsFile.load(dir.resolve("absent")).entries()).isEmpty();
    }

    @Test
    void fingerprintMatchesSshKeygen(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("key");
        OpenSshServer.sshKeygen("-q", "-t", "ed25519", "-N", "", "-f", key.toString());
        String expected = OpenSshServer.sshKeygen("-l", "-E", "sha256", "-f", key + ".pub")
                .split("\\s+")[1];
        byte[] blob = Base64.getDecoder().decode(Files.readString(dir.resolve("key.pub"))
                .split("\\s+")[1]);

        PresentedHostKey presented = PresentedHostKey.of(blob);
        assertThat(presented.fingerprint()).isEqualTo(expected).startsWith("SHA256:");
        assertThat(presented.keyType()).isEqualTo("ssh-ed25519");
    }

    @Test
    void globFollowsOpenSshPatternRules() {
        assertThat(KnownHostsFile.globMatches("*", "anything")).isTrue();
        assertThat(KnownHostsFile.globMatches("a*c", "abbbc")).isTrue();
        assertThat(KnownHostsFile.globMatches("a?c", "abc")).isTrue();
        assertThat(KnownHostsFile.globMatches("a?c", "ac")).isFalse();
        assertThat(KnownHostsFile.globMatches("[h]:22", "[h]:22")).isTrue();
        assertThat(KnownHostsFile.globMatches("[h]:22", "h")).isFalse();
    }

    /** A fake but well-formed public key blob: type string, then distinguishing bytes. */
    private static byte[] blob(String type, int seed) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(4 + name.length + 4 + 32);
        buffer.putInt(name.length).put(name).putInt(32);
        for (int i = 0; i < 32; i++) {
            buffer.put((byte) (seed * 31 + i));
        }
        return buffer.array();
    }

    private static String line(byte[] blob) {
        return PresentedHostKey.keyType(blob) + " " + Base64.getEncoder().encodeToString(blob);
    }
}
