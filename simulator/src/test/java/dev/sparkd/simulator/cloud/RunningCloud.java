package dev.sparkd.simulator.cloud;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A simulated provider on an ephemeral port for one test class (held in a static {@code @RegisterExtension} field),
 * put back to no fault, no rate limit and an empty request log before each test.
 */
final class RunningCloud<S extends CloudProvider> implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    final Vertx vertx = Vertx.vertx();
    final S server;

    RunningCloud(Function<Vertx, S> create) {
        server = create.apply(vertx);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        await(server.start(0));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.clearRequests();
        server.setFault(CloudFault.NONE);
        server.setRateLimit(0);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        await(server.stop());
        await(vertx.close());
    }

    private static void await(Future<?> future) throws Exception {
        future.toCompletionStage().toCompletableFuture().get();
    }
}
