package dev.sparkd.core.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives JSch a read-only view of one known_hosts file for one connection attempt, and remembers
 * what the server presented so a refusal can be reported with its fingerprint.
 *
 * <p>Read-only on purpose: with {@code StrictHostKeyChecking=yes} JSch never adds keys, and if it
 * ever tried, failing is the safe answer.
 */
final class StrictHostKeyRepository implements HostKeyRepository {

    private final KnownHostsFile knownHosts;
    private final String source;
    private volatile PresentedHostKey presented;
    private volatile KnownHostsFile.Verdict verdict;

    StrictHostKeyRepository(KnownHostsFile knownHosts, String source) {
        this.knownHosts = knownHosts;
        this.source = source;
    }

    /** The key the server presented in this attempt, or null if the handshake did not get there. */
    PresentedHostKey presented() {
        return presented;
    }

    /** What known_hosts said about it, or null if not checked. */
    KnownHostsFile.Verdict verdict() {
        return verdict;
    }

    @Override
    public int check(String host, byte[] key) {
        KnownHostsFile.Verdict result = knownHosts.check(host, key);
        presented = PresentedHostKey.of(key);
        verdict = result;
        return switch (result) {
            case TRUSTED -> OK;
            case UNKNOWN -> NOT_INCLUDED;
            // JSch has no "revoked" answer from check(); CHANGED makes it refuse, and the
            // recorded verdict lets the runner say why.
            case CHANGED, REVOKED -> CHANGED;
        };
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        throw new UnsupportedOperationException("known_hosts is read-only for sparkd");
    }

    @Override
    public void remove(String host, String type) {
        throw new UnsupportedOperationException("known_hosts is read-only for sparkd");
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        throw new UnsupportedOperationException("known_hosts is read-only for sparkd");
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return source;
    }

    @Override
    public HostKey[] getHostKey() {
        return toHostKeys(knownHosts.entries(), null);
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        return toHostKeys(knownHosts.entriesFor(host), type);
    }

    private static HostKey[] toHostKeys(List<KnownHostsFile.Entry> entries, String type) {
        List<HostKey> keys = new ArrayList<>();
        for (KnownHostsFile.Entry entry : entries) {
            if (type != null && !type.equals(entry.keyType())) {
                continue;
            }
            int jschType = jschKeyType(entry.keyType());
            if (jschType == HostKey.UNKNOWN) {
                continue;
            }
            try {
                keys.add(new HostKey(entry.revoked() ? "@revoked" : "", entry.hostField(), jschType,
                        entry.key(), null));
            } catch (JSchException e) {
                // not a key type JSch can use; it cannot be negotiated either
            }
        }
        return keys.toArray(HostKey[]::new);
    }

    private static int jschKeyType(String keyType) {
        return switch (keyType) {
            case "ssh-ed25519" -> HostKey.ED25519;
            case "ssh-ed448" -> HostKey.ED448;
            case "ssh-rsa" -> HostKey.SSHRSA;
            case "ssh-dss" -> HostKey.SSHDSS;
            case "ecdsa-sha2-nistp256" -> HostKey.ECDSA256;
            case "ecdsa-sha2-nistp384" -> HostKey.ECDSA384;
            case "ecdsa-sha2-nistp521" -> HostKey.ECDSA521;
            default -> HostKey.UNKNOWN;
        };
    }
}
