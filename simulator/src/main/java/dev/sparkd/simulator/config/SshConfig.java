package dev.sparkd.simulator.config;

import java.nio.file.Path;

/**
 * The simulated host's SSH endpoint (served by {@code ssh.SimSshServer}). Paths are resolved against the config
 * file's directory.
 *
 * @param port           listening port on 127.0.0.1 (0 = ephemeral)
 * @param hostKey        the host's private key (OpenSSH format); generated with {@code .pub} when missing
 * @param authorizedKeys the authorized_keys file; the simulator's client key is added to it at start
 */
public record SshConfig(int port, Path hostKey, Path authorizedKeys) {
}
