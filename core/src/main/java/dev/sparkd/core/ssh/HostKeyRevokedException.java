package dev.sparkd.core.ssh;

/** The presented host key is marked {@code @revoked} in known_hosts. Refused. */
public final class HostKeyRevokedException extends HostKeyVerificationException {

    HostKeyRevokedException(SshTarget target, PresentedHostKey presented) {
        super(target, presented, "host key of " + target.describe() + " is REVOKED: "
                + target.knownHostsName() + " presented " + presented.keyType() + " key "
                + presented.fingerprint() + ", which " + target.knownHosts()
                + " marks @revoked. Refusing to connect; the key may be stolen.");
    }
}
