package dev.sparkd.health;

import dev.sparkd.health.testing.SimulatedLab;
import dev.sparkd.daemon.testing.DaemonContract;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The health-agent keeps the contract every sparkd daemon keeps. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatedLab.class)
class HealthAgentDaemonTest extends DaemonContract {
    @Override
    protected String daemon() {
        return "health-agent";
    }
}
