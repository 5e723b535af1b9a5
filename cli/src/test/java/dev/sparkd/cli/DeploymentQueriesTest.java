package dev.sparkd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkd.core.config.CheckCommand;
import dev.sparkd.core.config.ConfigException;
import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.mcp.config.McpSettings;

/**
 * What the deployment tools ask the config checker instead of parsing TOML themselves ({@code sparkd check
 * --credentials DAEMON}: the secret files a unit must load, and no other), and the gateway's {@code run_as}.
 */
class DeploymentQueriesTest {
    static final SuiteConfig LAB = ConfigLoader.load(ExamplesCheckTest.EXAMPLES.resolve("two-sparks.toml"));

    @Test
    void eachDaemonReadsOnlyItsOwnSecrets() {
        String token = "/var/lib/sparkd/admin-token"; // none configured: the shared default under state_dir
        assertThat(CheckCommand.credentials(LAB, "router"))
                .containsExactly("/run/credentials/openai-api-key", "/run/credentials/sparkd-db-password", token);
        assertThat(CheckCommand.credentials(LAB, "health-agent"))
                .containsExactly("/etc/sparkd/ssh/id_ed25519", "/run/credentials/openai-api-key", "/run/credentials/sparkd-db-password", token);
        // the model-manager hands the gated catalog entry's Hugging Face token to its container
        assertThat(CheckCommand.credentials(LAB, "model-manager"))
                .containsExactly("/etc/sparkd/ssh/id_ed25519", "/run/credentials/hf-token", "/run/credentials/sparkd-db-password", token);
        assertThat(CheckCommand.credentials(LAB, "mcp-gateway")).containsExactly("/run/credentials/sparkd-db-password", token);
    }

    @Test
    void aRemoteMcpServersTokenGoesToTheGatewayOnly(@TempDir Path dir) throws IOException {
        SuiteConfig c = load(dir, """
                [mcp.servers.remote]
                url = "https://mcp.example.org/mcp"
                token_file = "/run/credentials/remote-token"
                """);
        assertThat(CheckCommand.credentials(c, "mcp-gateway")).containsExactly("/run/credentials/remote-token", "/var/lib/sparkd/admin-token");
        assertThat(CheckCommand.credentials(c, "router")).containsExactly("/var/lib/sparkd/admin-token");
    }

    @Test
    void runAsAppliesToEveryStdioServerUnlessOneSaysOtherwise(@TempDir Path dir) throws IOException {
        SuiteConfig c = load(dir, """
                [mcp]
                run_as = "sparkd-mcp"
                [mcp.servers.notes]
                command = ["node", "notes.js"]
                [mcp.servers.tools]
                command = ["tools"]
                run_as = "tools-user"
                [mcp.servers.remote]
                url = "https://mcp.example.org/mcp"
                """);
        McpSettings mcp = c.section(McpSettings.class);
        assertThat(mcp.servers().get("notes").runAs()).contains("sparkd-mcp");
        assertThat(mcp.servers().get("tools").runAs()).contains("tools-user");
        assertThat(mcp.servers().get("remote").runAs()).isEqualTo(Optional.empty());
    }

    @Test
    void runAsIsRefusedForARemoteServerAndForABadName(@TempDir Path dir) {
        assertThatThrownBy(() -> load(dir, """
                [mcp.servers.remote]
                url = "https://mcp.example.org/mcp"
                run_as = "sparkd-mcp"
                [mcp.servers.notes]
                command = ["node", "notes.js"]
                run_as = "root; rm -rf /"
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(p -> p.message())
                        .anySatisfy(m -> assertThat(m).contains("`run_as` is for stdio"))
                        .anySatisfy(m -> assertThat(m).contains("a system user's name")));
    }

    private static SuiteConfig load(Path dir, String mcp) throws IOException {
        Path file = dir.resolve("sparkd.toml");
        Files.writeString(file, """
                [suite]
                name = "t"
                state_dir = "/var/lib/sparkd"
                """ + mcp);
        return ConfigLoader.load(file);
    }
}
