package dev.sparkd.core.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sparkd.core.testing.OpenSshServer;
import dev.sparkd.core.testing.OpenSshServerExtension;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The runner against a real OpenSSH sshd on loopback; no mocks. */
class SshRunnerTest {

    @RegisterExtension
    static final OpenSshServerExtension SSHD = new OpenSshServerExtension();

    private static OpenSshServer sshd() {
        return SSHD.server();
    }

    // --- running commands -------------------------------------------------------------------

    @Test
    void runsACommandAndReturnsExitCodeStdoutAndStderr() {
        try (SshRunner runner = new SshRunner()) {
            CommandResult ok = runner.run(sshd().target(), RemoteCommand.of("echo", "hello"));
            assertThat(ok.exitCode()).isZero();
            assertThat(ok.stdout()).isEqualTo("hello\n");
            assertThat(ok.stderr()).isEmpty();
            assertThat(ok.succeeded()).isTrue();
            assertThat(ok.duration()).isPositive();

            CommandResult failed = runner.run(sshd().target(),
                    RemoteCommand.of("ls", "/nonexistent-sparkd-path"));
            assertThat(failed.exitCode()).isEqualTo(2);
            assertThat(failed.stdout()).isEmpty();
            assertThat(failed.stderr()).contains("/nonexistent-sparkd-path");
            assertThat(failed.succeeded()).isFalse();
        }
    }

    @Test
    void nastyArgumentsArriveVerbatim() {
        try (SshRunner runner = new SshRunner()) {
            for (String nasty : NastyStrings.ALL) {
                CommandResult result = runner.run(sshd().target(),
                        RemoteCommand.of("printf", "%s", nasty));
                assertThat(result.stdout()).as("printf %%s %s", nasty).isEqualTo(nasty);
                assertThat(result.exitCode()).isZero();
            }
            CommandResult separate = runner.run(sshd().target(),
                    RemoteCommand.of("printf", "<%s>", "a b", "", "$(id)", "c\nd"));
            assertThat(separate.stdout()).isEqualTo("<a b><><$(id)><c\nd>");
        }
    }

    @Test
    void commandsGetEndOfInputRatherThanWaitingOnStdin() {
        try (SshRunner runner = new SshRunner()) {
            CommandResult result = runner.run(sshd().target(), RemoteCommand.of("cat"),
                    Duration.ofSeconds(10));
            assertThat(result.exitCode()).isZero();
            assertThat(result.duration()).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void capsOutputPerStreamAndStillReturnsTheExitCode() {
        SshRunnerOptions options = SshRunnerOptions.defaults().withMaxOutputBytes(1000);
        try (SshRunner runner = new SshRunner(options)) {
            CommandResult result = runner.run(sshd().target(), RemoteCommand.of("seq", "1", "200000"));
            assertThat(result.exitCode()).isZero();
            assertThat(result.stdout()).hasSize(1000).startsWith("1\n2\n3\n");
            assertThat(result.stdoutTruncated()).isTrue();
            assertThat(result.stderrTruncated()).isFalse();
        }
    }

    // --- authentication ---------------------------------------------------------------------

    @Test
    void authenticatesWithEd25519Key() {
        try (SshRunner runner = new SshRunner()) {
            runner.run(sshd().target(), RemoteCommand.of("true"));
        }
        assertThat(sshd().logText()).contains("Accepted publickey for " + sshd().user())
                .contains("ED25519 " + fingerprintOf(publicKey(sshd().clientKey())));
    }

    @Test
    void authenticatesWithRsaAndEcdsaKeys() {
        for (String type : List.of("rsa", "ecdsa")) {
            Path key = sshd().generateClientKey("id_" + type, type, "");
            sshd().authorize(publicKey(key));
            try (SshRunner runner = new SshRunner()) {
                CommandResult result = runner.run(sshd().target().withKeyFile(key),
                        RemoteCommand.of("echo", type));
                assertThat(result.stdout()).isEqualTo(type + "\n");
            }
            assertThat(sshd().logText()).contains(fingerprintOf(publicKey(key)));
        }
    }

    @Test
    void decryptsAKeyWithThePassphraseFromAFile() throws IOException {
        String passphrase = "correct horse battery staple";
        Path key = sshd().generateClientKey("id_locked", "ed25519", passphrase);
        sshd().authorize(publicKey(key));
        Path passphraseFile = sshd().dir().resolve("passphrase");
        Files.writeString(passphraseFile, passphrase + "\n");
        SshTarget locked = sshd().target().withKeyFile(key);

        try (SshRunner runner = new SshRunner()) {
            assertThat(runner.run(locked.withPassphraseFile(passphraseFile),
                    RemoteCommand.of("echo", "unlocked")).stdout()).isEqualTo("unlocked\n");

            assertThatThrownBy(() -> runner.run(locked, RemoteCommand.of("true")))
                    .isInstanceOf(SshAuthException.class)
                    .hasMessageContaining(key.toString())
                    .hasMessageContaining("encrypted");

            Path wrong = sshd().dir().resolve("wrong-passphrase");
            Files.writeString(wrong, "not it\n");
            assertThatThrownBy(() -> runner.run(locked.withPassphraseFile(wrong),
                    RemoteCommand.of("true")))
                    .isInstanceOf(SshAuthException.class)
                    .hasMessageContaining(wrong.toString())
                    .hasMessageNotContaining("not it");
        }
    }

    @Test
    void wrongClientKeyIsAnAuthErrorNamingUserAndKeyButNotItsContents() throws IOException {
        Path stranger = sshd().generateClientKey("id_stranger", "ed25519", "");
        Path marker = sshd().dir().resolve("ran-with-wrong-key");
        try (SshRunner runner = new SshRunner()) {
            assertThatThrownBy(() -> runner.run(sshd().target().withKeyFile(stranger),
                    RemoteCommand.of("touch", marker.toString())))
                    .isInstanceOf(SshAuthException.class)
                    .hasMessageContaining("user " + sshd().user())
                    .hasMessageContaining(stranger.toString())
                    .hasMessageContaining(fingerprintOf(publicKey(stranger)))
                    .satisfies(e -> assertContainsNoKeyMaterial(e.getMessage(), stranger));
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void missingKeyFileIsAnAuthErrorNamingTheFile() {
        Path missing = sshd().dir().resolve("no-such-key");
        assertTrueFailsOn(sshd().target().withKeyFile(missing))
                .isInstanceOf(SshAuthException.class)
                .hasMessageContaining(missing.toString());
    }

    // --- host keys --------------------------------------------------------------------------

    @Test
    void unknownHostKeyIsRefusedWithItsFingerprintAndNothingRuns() throws IOException {
        Path emptyKnownHosts = Files.writeString(sshd().dir().resolve("known_hosts.empty"), "");
        Path marker = sshd().dir().resolve("ran-on-unknown-host");
        long loginsBefore = sshd().acceptedLogins();
        try (SshRunner runner = new SshRunner()) {
            assertThatThrownBy(() -> runner.run(sshd().target().withKnownHosts(emptyKnownHosts),
                    RemoteCommand.of("touch", marker.toString())))
                    .isInstanceOfSatisfying(HostKeyUnknownException.class, e -> {
                        assertThat(e.fingerprint()).isEqualTo(sshd().hostKeyFingerprint());
                        assertThat(e.keyType()).isEqualTo("ssh-ed25519");
                    })
                    .hasMessageContaining(sshd().hostKeyFingerprint())
                    .hasMessageContaining("ssh-ed25519")
                    .hasMessageContaining("[127.0.0.1]:" + sshd().port())
                    .hasMessageContaining("ssh-keyscan -p " + sshd().port() + " 127.0.0.1 >> "
                            + emptyKnownHosts);
        }
        assertThat(marker).doesNotExist();
        assertThat(sshd().acceptedLogins()).as("refused before authenticating")
                .isEqualTo(loginsBefore);
    }

    @Test
    void missingKnownHostsFileMeansUnknownHost() {
        Path absent = sshd().dir().resolve("known_hosts.absent");
        assertTrueFailsOn(sshd().target().withKnownHosts(absent))
                .isInstanceOf(HostKeyUnknownException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void keyRecordedForPort22DoesNotVouchForAnotherPort() throws IOException {
        String[] hostKey = Files.readString(sshd().hostPublicKey()).split("\\s+");
        Path port22Only = Files.writeString(sshd().dir().resolve("known_hosts.port22"),
                "127.0.0.1 " + hostKey[0] + " " + hostKey[1] + "\n");
        assertTrueFailsOn(sshd().target().withKnownHosts(port22Only))
                .isInstanceOf(HostKeyUnknownException.class);
    }

    @Test
    void acceptsHashedKnownHostsEntries() throws IOException {
        Path hashed = sshd().dir().resolve("known_hosts.hashed");
        Files.writeString(hashed, sshd().knownHostsLine() + "\n");
        OpenSshServer.sshKeygen("-H", "-f", hashed.toString());
        assertThat(Files.readString(hashed)).startsWith("|1|").doesNotContain("127.0.0.1");
        try (SshRunner runner = new SshRunner()) {
            assertThat(runner.run(sshd().target().withKnownHosts(hashed),
                    RemoteCommand.of("echo", "hashed")).stdout()).isEqualTo("hashed\n");
        }
    }

    @Test
    void revokedHostKeyIsRefused() throws IOException {
        String[] hostKey = Files.readString(sshd().hostPublicKey()).split("\\s+");
        Path revoked = Files.writeString(sshd().dir().resolve("known_hosts.revoked"),
                sshd().knownHostsLine() + "\n@revoked * " + hostKey[0] + " " + hostKey[1] + "\n");
        assertTrueFailsOn(sshd().target().withKnownHosts(revoked))
                .isInstanceOf(HostKeyRevokedException.class)
                .hasMessageContaining(sshd().hostKeyFingerprint());
    }

    @Test
    void changedHostKeyIsRefusedEvenOnReconnect() {
        try (OpenSshServer own = OpenSshServer.start(); SshRunner runner = new SshRunner()) {
            SshTarget target = own.target();
            assertThat(runner.run(target, RemoteCommand.of("echo", "before")).stdout())
                    .isEqualTo("before\n");
            String oldFingerprint = own.hostKeyFingerprint();

            own.replaceHostKey();
            String newFingerprint = own.hostKeyFingerprint();
            assertThat(newFingerprint).isNotEqualTo(oldFingerprint);
            Path marker = own.dir().resolve("ran-on-changed-host");

            assertThatThrownBy(() -> runner.run(target,
                    RemoteCommand.of("touch", marker.toString())))
                    .isInstanceOfSatisfying(HostKeyChangedException.class,
                            e -> assertThat(e.fingerprint()).isEqualTo(newFingerprint))
                    .hasMessageContaining(newFingerprint)
                    .hasMessageContaining("CHANGED")
                    .hasMessageContaining("[127.0.0.1]:" + own.port())
                    .hasMessageContaining("ssh-keyscan -p " + own.port());
            assertThat(marker).doesNotExist();
        }
    }

    // --- timeouts ---------------------------------------------------------------------------

    @Test
    void timedOutCommandFailsAndTheRemoteProcessIsGone() throws Exception {
        try (SshRunner runner = new SshRunner()) {
            CompletableFuture<CommandResult> running = runner.runAsync(sshd().target(),
                    RemoteCommand.of("sleep", "3141"), Duration.ofSeconds(2))
                    .subscribeAsCompletionStage();
            awaitSleep("3141", true);
            long started = System.nanoTime();
            assertThatThrownBy(() -> running.get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SshCommandTimeoutException.class)
                    .cause().hasMessageContaining("`sleep`").hasMessageContaining("2.0 s");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
            awaitSleep("3141", false);
        }
    }

    @Test
    void localDeadlineStopsACommandThatIgnoresTerm() throws Exception {
        try (SshRunner runner = new SshRunner()) {
            // The shell is only here to make sleep ignore TERM, which exec passes on.
            CompletableFuture<CommandResult> running = runner.runAsync(sshd().target(),
                    RemoteCommand.of("sh", "-c", "trap '' TERM; exec sleep 3142"),
                    Duration.ofSeconds(1)).subscribeAsCompletionStage();
            long started = System.nanoTime();
            awaitSleep("3142", true);
            assertThatThrownBy(() -> running.get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SshCommandTimeoutException.class);
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertThat(waited).isGreaterThanOrEqualTo(Duration.ofSeconds(1))
                    .isLessThan(Duration.ofSeconds(1).plus(SshConnection.LOCAL_GRACE).plusSeconds(2));
            // remote `timeout -k 5s` KILLs it 5 s after the ignored TERM
            assertThat(sleepRunning("3142")).as("still running right after the local deadline")
                    .isTrue();
            awaitSleep("3142", false);
        }
    }

    // --- one connection per target ----------------------------------------------------------

    @Test
    void reusesOneConnectionForManyCommands() {
        long loginsBefore = sshd().acceptedLogins();
        try (SshRunner runner = new SshRunner()) {
            List<String> connections = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                connections.add(runner.run(sshd().target(),
                        RemoteCommand.of("printenv", "SSH_CONNECTION")).stdout());
            }
            assertThat(connections).hasSize(20).allMatch(c -> c.equals(connections.get(0)));
            assertThat(connections.get(0)).contains(" " + sshd().port());
        }
        assertThat(sshd().acceptedLogins() - loginsBefore).isEqualTo(1);
    }

    @Test
    void runsCommandsConcurrentlyOnOneConnection() throws Exception {
        long loginsBefore = sshd().acceptedLogins();
        // More commands than sshd's MaxSessions (10): the runner queues the excess.
        int commands = 16;
        ExecutorService callers = Executors.newFixedThreadPool(commands);
        try (SshRunner runner = new SshRunner()) {
            long started = System.nanoTime();
            List<Future<CommandResult>> results = new ArrayList<>();
            for (int i = 0; i < commands; i++) {
                results.add(callers.submit(() -> runner.run(sshd().target(),
                        RemoteCommand.of("sh", "-c", "sleep 1; printenv SSH_CONNECTION"))));
            }
            List<String> connections = new ArrayList<>();
            for (Future<CommandResult> result : results) {
                CommandResult done = result.get(30, TimeUnit.SECONDS);
                assertThat(done.exitCode()).isZero();
                connections.add(done.stdout());
            }
            // 16 one-second commands, 8 at a time: about 2 s, far from 16 s in series.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
            assertThat(connections).allMatch(c -> c.equals(connections.get(0)));
        } finally {
            callers.shutdownNow();
        }
        assertThat(sshd().acceptedLogins() - loginsBefore).isEqualTo(1);
    }

    @Test
    void commandThatCannotGetAChannelInTimeFailsWithoutRunning() throws Exception {
        SshRunnerOptions oneAtATime = SshRunnerOptions.defaults().withMaxConcurrentCommandsPerTarget(1);
        Path marker = sshd().dir().resolve("ran-without-a-slot");
        try (SshRunner runner = new SshRunner(oneAtATime)) {
            CompletableFuture<CommandResult> busy = runner.runAsync(sshd().target(),
                    RemoteCommand.of("sleep", "3.141")).subscribeAsCompletionStage();
            awaitSleep("3.141", true);
            assertThatThrownBy(() -> runner.run(sshd().target(),
                    RemoteCommand.of("touch", marker.toString()), Duration.ofSeconds(1)))
                    .isInstanceOf(SshCommandTimeoutException.class)
                    .hasMessageContaining("could not start");
            assertThat(busy.get(20, TimeUnit.SECONDS).exitCode()).isZero();
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void reconnectsAfterTheConnectionBroke() {
        try (OpenSshServer own = OpenSshServer.start(); SshRunner runner = new SshRunner()) {
            String first = runner.run(own.target(), RemoteCommand.of("printenv", "SSH_CONNECTION"))
                    .stdout();
            own.restart();
            String second = runner.run(own.target(), RemoteCommand.of("printenv", "SSH_CONNECTION"))
                    .stdout();
            assertThat(second).isNotBlank().isNotEqualTo(first);
            assertThat(own.acceptedLogins()).isEqualTo(2);
        }
    }

    // --- connecting -------------------------------------------------------------------------

    @Test
    void refusedConnectionIsAConnectError() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (SshRunner runner = new SshRunner()) {
            assertThatThrownBy(() -> runner.run(sshd().target().withPort(closedPort),
                    RemoteCommand.of("true")))
                    .isInstanceOf(SshConnectException.class)
                    .hasMessageContaining("refused")
                    .hasMessageContaining(String.valueOf(closedPort));
        }
    }

    @Test
    void silentServerIsAConnectTimeout() throws IOException {
        SshRunnerOptions options = SshRunnerOptions.defaults().withConnectTimeout(Duration.ofSeconds(1));
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                SshRunner runner = new SshRunner(options)) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return silent.accept(); // accept, then never say a word
                } catch (IOException e) {
                    return null;
                }
            });
            long started = System.nanoTime();
            assertThatThrownBy(() -> runner.run(sshd().target().withPort(silent.getLocalPort()),
                    RemoteCommand.of("true")))
                    .isInstanceOf(SshConnectException.class)
                    .hasMessageContaining("1.0 s");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            accepted.cancel(true);
        }
    }

    // --- threads ----------------------------------------------------------------------------

    @Test
    void runAsyncWorksOnTheGivenExecutor() {
        ExecutorService workers = Executors.newSingleThreadExecutor(r -> new Thread(r, "ssh-worker"));
        try (SshRunner runner = new SshRunner(SshRunnerOptions.defaults(), workers)) {
            AtomicReference<String> thread = new AtomicReference<>();
            CommandResult result = runner.runAsync(sshd().target(), RemoteCommand.of("echo", "async"))
                    .invoke(r -> thread.set(Thread.currentThread().getName()))
                    .await().atMost(Duration.ofSeconds(30));
            assertThat(result.stdout()).isEqualTo("async\n");
            assertThat(thread.get()).isEqualTo("ssh-worker");
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void blockingRunRefusesToRunOnAnEventLoop() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (SshRunner runner = new SshRunner()) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            vertx.runOnContext(ignored -> {
                try {
                    runner.run(sshd().target(), RemoteCommand.of("true"));
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            assertThat(outcome.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("runAsync");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void closedRunnerRefusesCommands() {
        SshRunner runner = new SshRunner();
        runner.run(sshd().target(), RemoteCommand.of("true"));
        runner.close();
        assertThatThrownBy(() -> runner.run(sshd().target(), RemoteCommand.of("true")))
                .isInstanceOf(IllegalStateException.class);
    }

    // --- helpers ----------------------------------------------------------------------------

    /** What running {@code true} on {@code target} with a fresh runner throws, for the test to say what it must be. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertTrueFailsOn(SshTarget target) {
        try (SshRunner runner = new SshRunner()) {
            return assertThatThrownBy(() -> runner.run(target, RemoteCommand.of("true")));
        }
    }

    private static Path publicKey(Path privateKey) {
        return privateKey.resolveSibling(privateKey.getFileName() + ".pub");
    }

    private static String fingerprintOf(Path publicKey) {
        return PresentedHostKey.fingerprint(java.util.Base64.getDecoder()
                .decode(readUnchecked(publicKey).split("\\s+")[1]));
    }

    private static void assertContainsNoKeyMaterial(String message, Path privateKey) {
        for (String line : readUnchecked(privateKey).lines().toList()) {
            if (line.length() > 16 && !line.startsWith("-----")) {
                assertThat(message).doesNotContain(line);
            }
        }
        assertThat(message).doesNotContain("PRIVATE KEY");
    }

    private static String readUnchecked(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits until a {@code sleep <seconds>} process exists (or is gone); sshd is local. */
    private static void awaitSleep(String seconds, boolean present) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (sleepRunning(seconds) == present) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("`sleep " + seconds + "` still " + (present ? "absent" : "running")
                + " after 15 s");
    }

    private static boolean sleepRunning(String seconds) {
        return ProcessHandle.allProcesses().anyMatch(p -> p.isAlive()
                && p.info().command().map(c -> c.endsWith("/sleep")).orElse(false)
                && p.info().arguments().map(a -> List.of(a).equals(List.of(seconds)))
                        .orElse(false));
    }
}
