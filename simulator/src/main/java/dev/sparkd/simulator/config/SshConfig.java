package dev.sparkd.simulator.config;

/**
 * The simulated host's SSH endpoint. Parsed here, served by the SSH side of the simulator.
 *
 * @param port           listening port (0 = ephemeral)
 * @param hostKey        path of the host's private key file
 * @param authorizedKeys path of the authorized_keys file
 */
public record SshConfig(int port, String hostKey, String authorizedKeys) {
}
