/**
 * Running commands on cluster hosts over SSH, secure by default.
 *
 * <ul>
 *   <li>{@link dev.sparkd.services.ssh.RemoteCommand}: a program and arguments, never raw shell
 *       text; {@link dev.sparkd.services.ssh.ShellQuote#quote} is the only quoting function.
 *   <li>{@link dev.sparkd.services.ssh.SshTarget}: validated host, port, user, key file and
 *       known_hosts file.
 *   <li>{@link dev.sparkd.services.ssh.SshRunner}: one connection per target, reused; host keys
 *       strictly checked against known_hosts; every command under {@code timeout} remotely and a
 *       deadline locally; output capped; blocking {@code run} or {@code Uni} {@code runAsync}.
 * </ul>
 *
 * <p>The remote login shell must be a POSIX shell (sh, bash, dash, zsh): sshd hands it the
 * command line built by {@link dev.sparkd.services.ssh.RemoteCommand#toShell()}.
 *
 * <p>Tests in other modules can start a real sshd with
 * {@code dev.sparkd.services.testing.OpenSshServer} from the services test-jar.
 */
package dev.sparkd.services.ssh;
