/**
 * Running commands on cluster hosts over SSH, secure by default.
 *
 * <ul>
 *   <li>{@link dev.sparkd.core.ssh.RemoteCommand}: a program and arguments, never raw shell
 *       text; {@link dev.sparkd.core.ssh.ShellQuote#quote} is the only quoting function.
 *   <li>{@link dev.sparkd.core.ssh.SshTarget}: validated host, port, user, key file and
 *       known_hosts file.
 *   <li>{@link dev.sparkd.core.ssh.SshRunner}: one connection per target, reused; host keys
 *       strictly checked against known_hosts; every command under {@code timeout} remotely and a
 *       deadline locally; output capped; blocking {@code run} or {@code Uni} {@code runAsync}.
 * </ul>
 *
 * <p>The remote login shell must be a POSIX shell (sh, bash, dash, zsh): sshd hands it the
 * command line built by {@link dev.sparkd.core.ssh.RemoteCommand#toShell()}.
 *
 * <p>Tests in other modules can start a real sshd with
 * {@code dev.sparkd.core.testing.OpenSshServer} from the services test-jar.
 */
package dev.sparkd.core.ssh;
