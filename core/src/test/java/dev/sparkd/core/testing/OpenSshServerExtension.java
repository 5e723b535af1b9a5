package dev.sparkd.core.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs an {@link OpenSshServer} for a test class ({@code static} field) or for each test
 * (instance field):
 *
 * <pre>{@code
 * @RegisterExtension
 * static final OpenSshServerExtension SSHD = new OpenSshServerExtension();
 * ...
 * runner.run(SSHD.server().target(), RemoteCommand.of("uname", "-m"));
 * }</pre>
 */
public final class OpenSshServerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private OpenSshServer server;
    private boolean perTest;

    /** The running server; only valid inside tests. */
    public OpenSshServer server() {
        if (server == null) {
            throw new IllegalStateException("the sshd extension is not running; register it with"
                    + " @RegisterExtension");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = OpenSshServer.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (server == null) {
            perTest = true;
            server = OpenSshServer.start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
