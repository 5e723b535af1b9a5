package dev.sparkd.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.sparkd.core.config.Host;
import dev.sparkd.core.ssh.CommandResult;
import dev.sparkd.core.ssh.HostKeyChangedException;
import dev.sparkd.core.ssh.HostKeyVerificationException;
import dev.sparkd.core.ssh.RemoteCommand;
import dev.sparkd.core.ssh.ShellQuote;
import dev.sparkd.core.ssh.SshAuthException;
import dev.sparkd.core.ssh.SshException;
import dev.sparkd.core.ssh.SshRunner;
import dev.sparkd.core.ssh.SshTarget;

/**
 * Every host: its address answers, its SSH host key is in known_hosts and matches, our key logs in, and the commands
 * the daemons run there ({@code nvidia-smi}, {@code docker}, {@code df}, and {@code timeout}, which wraps every
 * remote command) are present — each run in the form the daemons use, through the suite's own SSH runner.
 */
final class HostChecks {
    static final Duration CONNECT = Duration.ofSeconds(5);
    private static final Duration COMMAND = Duration.ofSeconds(20);

    private HostChecks() {
    }

    /** A command the daemons run, and the fix when it is missing. */
    private record Needed(String program, RemoteCommand command, String install) {
    }

    static List<Check> run(SshRunner ssh, Host host) {
        String subject = "host " + host.name();
        if (host.ssh().isEmpty()) {
            try {
                return List.of(Check.ok(subject, host.address() + " resolves to " + InetAddress.getByName(host.address()).getHostAddress()
                        + " (no [hosts." + host.name() + "] ssh: no telemetry or swaps there)"));
            } catch (IOException e) {
                return List.of(Check.problem(subject, host.address() + " does not resolve", "fix `address` (prefer an IP address)"));
            }
        }
        Host.SshSettings s = host.ssh().get();
        String where = host.address() + ":" + s.port();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host.address(), s.port()), (int) CONNECT.toMillis());
        } catch (IOException e) {
            return List.of(Check.problem(subject, "SSH at " + where + " unreachable (" + e.getMessage() + ")",
                    "check that the host is on and sshd runs there, and `address`/`ssh.port` of [hosts." + host.name() + "]"));
        }
        List<Check> checks = new ArrayList<>();
        checks.add(Check.ok(subject, "SSH at " + where + " answers"));
        SshTarget target = new SshTarget(host.address(), s.port(), s.user(), s.keyFile(), s.knownHosts(), Optional.empty(),
                Optional.of(host.name()));
        List<Needed> needed = new ArrayList<>();
        if (host.gpu() != Host.GpuKind.NONE) {
            needed.add(new Needed("nvidia-smi", RemoteCommand.of("nvidia-smi", "--query-gpu=name", "--format=csv,noheader"),
                    "install the NVIDIA driver utilities (DGX OS has them), or set gpu = \"none\""));
        }
        needed.add(new Needed("docker", RemoteCommand.of("docker", "ps", "-q"),
                "install Docker, and let " + s.user() + " use it: sudo usermod -aG docker " + s.user()));
        needed.add(new Needed("df", RemoteCommand.of("df", "-B1", "--output=file,size,avail"), "install coreutils (GNU df)"));
        List<String> present = new ArrayList<>();
        boolean loggedIn = false;
        for (Needed n : needed) {
            CommandResult r;
            try {
                r = ssh.run(target, n.command(), COMMAND);
            } catch (HostKeyVerificationException e) {
                checks.add(hostKey(subject, target, e));
                return checks;
            } catch (SshAuthException e) {
                checks.add(Check.problem(subject + " ssh", "login as " + s.user() + " refused: " + e.getMessage(),
                        "add " + s.keyFile() + ".pub to ~" + s.user() + "/.ssh/authorized_keys on " + host.address()
                                + " (ssh-copy-id -i " + s.keyFile() + ".pub -p " + s.port() + " " + s.user() + "@" + host.address() + ")"));
                return checks;
            } catch (SshException e) {
                checks.add(Check.problem(subject + " ssh", e.getMessage(), "check sshd on " + host.address() + " and its logs"));
                return checks;
            }
            if (!loggedIn) {
                loggedIn = true;
                checks.add(Check.ok(subject + " ssh", "host key matches " + s.knownHosts() + "; " + s.user() + " logs in"));
            }
            if (r.exitCode() == 127 && r.stderr().contains("timeout")) {
                checks.add(Check.problem(subject + " commands", "`timeout` is missing (every remote command runs under it): "
                        + r.stderr().strip(), "install coreutils on " + host.address()));
                return checks;
            }
            if (!r.succeeded()) {
                String why = r.exitCode() == 127 ? "`" + n.program() + "` not found" : "`" + n.command().toShell() + "` failed (exit "
                        + r.exitCode() + "): " + firstLine(r.stderr());
                checks.add(Check.problem(subject + " commands", why, n.install()));
                continue;
            }
            present.add(n.program());
        }
        if (present.size() == needed.size()) {
            present.add("timeout");
            checks.add(Check.ok(subject + " commands", String.join(", ", present) + " present"));
        }
        return checks;
    }

    private static Check hostKey(String subject, SshTarget target, HostKeyVerificationException e) {
        String file = ShellQuote.quote(target.knownHosts().toString());
        String keyscan = "ssh-keyscan -p " + target.port() + " " + ShellQuote.quote(target.address()) + " >> " + file;
        String check = "after checking the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_" + keyTypeFile(e.keyType())
                + "_key.pub): ";
        if (e instanceof HostKeyChangedException) {
            return Check.problem(subject + " ssh", "host key CHANGED: " + target.address() + ":" + target.port() + " presented "
                    + e.keyType() + " " + e.fingerprint() + ", " + target.knownHosts() + " records another",
                    check + "ssh-keygen -R " + ShellQuote.quote(target.knownHostsName()) + " -f " + file + " && " + keyscan);
        }
        return Check.problem(subject + " ssh", "host key unknown: " + target.address() + ":" + target.port() + " presented "
                + e.keyType() + " " + e.fingerprint() + ", which is not in " + target.knownHosts(), check + keyscan);
    }

    private static String keyTypeFile(String keyType) {
        return switch (keyType) {
            case "ssh-ed25519" -> "ed25519";
            case "ssh-rsa", "rsa-sha2-256", "rsa-sha2-512" -> "rsa";
            default -> keyType.startsWith("ecdsa") ? "ecdsa" : "*";
        };
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
