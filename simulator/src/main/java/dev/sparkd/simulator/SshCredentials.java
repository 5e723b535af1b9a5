package dev.sparkd.simulator;

import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.config.SparkConfig;
import dev.sparkd.simulator.ssh.AuthorizedKeysFile;
import dev.sparkd.simulator.ssh.KnownHostsFile;
import dev.sparkd.simulator.ssh.SimSshServer;
import dev.sparkd.simulator.ssh.SshKeyFile;
import java.io.IOException;
import java.util.List;

/**
 * The credentials a client of the simulated Sparks needs, made on start so the demo works with nothing committed:
 * the client key ({@code [simulator] client_key}, generated when missing) is put into every spark's authorized_keys,
 * and the hosts' keys go into {@code [simulator] known_hosts} for strict host-key checking.
 */
final class SshCredentials {
    static final String CLIENT_KEY_COMMENT = "sparkd-simulator-client";

    private SshCredentials() {
    }

    /** Before the SSH servers start: the client key exists and every authorized_keys lets it in. */
    static void authorizeClientKey(SimConfig config) throws IOException {
        if (config.clientKey() == null) {
            return;
        }
        SshKeyFile client = SshKeyFile.loadOrCreate(config.clientKey());
        for (SparkConfig spark : config.sparks()) {
            if (spark.ssh() != null) {
                AuthorizedKeysFile.ensureContains(spark.ssh().authorizedKeys(), client.keyPair().getPublic(), CLIENT_KEY_COMMENT);
            }
        }
    }

    /** After they started (ports known): one known_hosts line per server. */
    static void writeKnownHosts(SimConfig config, List<SimSshServer> servers) throws IOException {
        if (config.knownHosts() == null || servers.isEmpty()) {
            return;
        }
        KnownHostsFile.update(config.knownHosts(), servers.stream().map(SimSshServer::knownHostsLine).toList());
    }
}
