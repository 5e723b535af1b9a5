package dev.sparkd.core.ssh;

import java.nio.file.Files;

/** known_hosts has no key of the presented type for the host: refused, as OpenSSH's {@code StrictHostKeyChecking=yes}. */
public final class HostKeyUnknownException extends HostKeyVerificationException {

    HostKeyUnknownException(SshTarget target, PresentedHostKey presented) {
        super(target, presented, message(target, presented));
    }

    private static String message(SshTarget target, PresentedHostKey presented) {
        String file = target.knownHosts().toString();
        String missing = Files.exists(target.knownHosts()) ? "" : " (the file does not exist yet)";
        return "host key of " + target.describe() + " is unknown: " + target.knownHostsName()
                + " presented " + presented.keyType() + " key " + presented.fingerprint()
                + ", which is not in " + file + missing + ". Refusing to connect. If that is the"
                + " host's real key (check on the host: ssh-keygen -lf"
                + " /etc/ssh/ssh_host_*_key.pub), add it with: "
                + keyscanCommand(target);
    }
}
