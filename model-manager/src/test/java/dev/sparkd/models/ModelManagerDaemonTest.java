package dev.sparkd.models;

import java.util.List;

import dev.sparkd.daemon.testing.DaemonContract;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The model-manager keeps the contract every sparkd daemon keeps. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class ModelManagerDaemonTest extends DaemonContract {
    ModelManagerDaemonTest() {
        super("model-manager");
    }

    @Override
    protected List<Call> adminCalls() {
        // the swap names a service that is not a vLLM one: with the token it gets as far as validation (400), no SSH
        return List.of(Call.get("/api/v1/plan"), Call.post("/api/v1/reconcile", null),
                Call.post("/api/v1/services/ollama-1/swap", "{\"model\":\"qwen7b\"}"));
    }

    @Override
    protected List<Call> openCalls() {
        return List.of(Call.get("/api/v1/operations"));
    }
}
