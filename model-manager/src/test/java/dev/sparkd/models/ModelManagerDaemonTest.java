package dev.sparkd.models;

import dev.sparkd.daemon.testing.DaemonContract;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The model-manager keeps the contract every sparkd daemon keeps. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class ModelManagerDaemonTest extends DaemonContract {
    @Override
    protected String daemon() {
        return "model-manager";
    }
}
