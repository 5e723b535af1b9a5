package dev.sparkd.core.ssh;

/**
 * known_hosts holds a different key of the same type for the host: possibly a man-in-the-middle,
 * possibly a reinstalled host. Refused, never overwritten.
 */
public final class HostKeyChangedException extends HostKeyVerificationException {

    HostKeyChangedException(SshTarget target, PresentedHostKey presented) {
        super(target, presented, message(target, presented));
    }

    private static String message(SshTarget target, PresentedHostKey presented) {
        String file = ShellQuote.quote(target.knownHosts().toString());
        return "host key of " + target.describe() + " has CHANGED: " + target.knownHostsName()
                + " presented " + presented.keyType() + " key " + presented.fingerprint()
                + ", but " + target.knownHosts() + " records a different " + presented.keyType()
                + " key for it. Someone may be intercepting the connection, or the host was"
                + " reinstalled. Refusing to connect. After verifying the new fingerprint on the"
                + " host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), replace the old entry: "
                + "ssh-keygen -R " + ShellQuote.quote(target.knownHostsName()) + " -f " + file
                + " && " + keyscanCommand(target);
    }
}
