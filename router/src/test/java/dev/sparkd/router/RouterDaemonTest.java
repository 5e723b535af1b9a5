package dev.sparkd.router;

import dev.sparkd.daemon.testing.DaemonContract;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The router keeps the contract every sparkd daemon keeps. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatorResource.class)
class RouterDaemonTest extends DaemonContract {
    @Override
    protected String daemon() {
        return "router";
    }
}
