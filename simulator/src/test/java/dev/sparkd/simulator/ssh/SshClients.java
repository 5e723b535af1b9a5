package dev.sparkd.simulator.ssh;

import static org.junit.jupiter.api.Assertions.fail;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real SSH clients against the simulator: JSch (what the daemons use) and the OpenSSH binary (what operators use). */
public final class SshClients {
    private SshClients() {
    }

    /** Generates an Ed25519 key pair with ssh-keygen; returns the private key path ({@code .pub} next to it). */
    static Path keygen(Path dir, String name) throws Exception {
        Path key = dir.resolve(name);
        run(List.of(tool("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString()), 30);
        return key;
    }

    public static ExecResult jsch(int port, Path key, Path knownHosts, String command) throws Exception {
        JSch jsch = new JSch();
        jsch.addIdentity(key.toString());
        jsch.setKnownHosts(knownHosts.toString());
        Session session = jsch.getSession("spark", "127.0.0.1", port);
        session.setConfig("StrictHostKeyChecking", "yes");
        session.setConfig("PreferredAuthentications", "publickey");
        session.connect(10_000);
        try {
            ChannelExec ch = (ChannelExec) session.openChannel("exec");
            ch.setCommand(command);
            ch.setInputStream(null);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ch.setErrStream(err);
            InputStream in = ch.getInputStream();
            ch.connect(10_000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                while (in.available() > 0) {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    out.write(buf, 0, n);
                }
                if (ch.isClosed() && in.available() == 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    fail("exec did not finish: " + command);
                }
                Thread.sleep(10);
            }
            ch.disconnect();
            return new ExecResult(ch.getExitStatus(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            session.disconnect();
        }
    }

    static ExecResult openssh(int port, Path key, Path knownHosts, String command) throws Exception {
        return run(List.of(tool("ssh"), "-i", key.toString(), "-p", Integer.toString(port),
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                "-o", "PasswordAuthentication=no", "-o", "ConnectTimeout=10", "-F", "/dev/null",
                "spark@127.0.0.1", command), 60);
    }

    private static String tool(String name) {
        Path p = Path.of("/usr/bin", name);
        if (!Files.isExecutable(p)) {
            fail(name + " is required for the SSH tests: apt-get install openssh-client");
        }
        return p.toString();
    }

    private static ExecResult run(List<String> argv, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        // read both streams concurrently: a full pipe would block the child
        var out = new java.util.concurrent.CompletableFuture<String>();
        var err = new java.util.concurrent.CompletableFuture<String>();
        new Thread(() -> out.complete(readAll(p.getInputStream()))).start();
        new Thread(() -> err.complete(readAll(p.getErrorStream()))).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + argv);
        }
        return new ExecResult(p.exitValue(), out.join(), err.join());
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
