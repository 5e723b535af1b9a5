package dev.sparkd.models.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.sparkd.daemon.persistence.UnitOfWork;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.models.engine.SwapLock;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.Operations;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/** The model-manager's tables through Hibernate Reactive, called from worker threads as the engine calls them. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class PersistenceTest {
    @Inject
    PgSwapLock lock;
    @Inject
    PgActiveStore store;
    @Inject
    OperationRecorder recorder;
    @Inject
    Pool pool;
    @Inject
    Vertx vertx;

    @Test
    void theSwapLockIsHeldOnItsOwnConnectionUntilReleased() throws Exception {
        String service = "lock-" + UUID.randomUUID();
        Optional<SwapLock.Lease> first = lock.tryLock(service);
        assertThat(first).isPresent();
        // another connection (another instance) cannot take it, and neither can a second session of this one
        assertThat(tryAdvisoryLock(service)).isFalse();
        assertThat(onOtherThread(() -> lock.tryLock(service))).isEmpty();
        assertThat(lock.tryLock("other-" + service)).isPresent();
        first.get().close();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Optional<SwapLock.Lease> again = Optional.empty();
        while (again.isEmpty() && System.nanoTime() < deadline) {
            again = onOtherThread(() -> lock.tryLock(service));
            Thread.sleep(20);
        }
        assertThat(again).as("lock free again after release").isPresent();
        again.get().close();
    }

    @Test
    void aChoiceStandsWhileTheFileSaysTheSameAndIsReplacedByTheNext() {
        String service = "vllm-" + UUID.randomUUID();
        assertThat(store.chosen(service, "a")).isEmpty();
        store.save(service, "qwen7b", "a");
        assertThat(store.chosen(service, "a")).contains("qwen7b");
        assertThat(store.chosen(service, "b")).isEmpty();
        store.save(service, "llama8b", "a");
        assertThat(store.chosen(service, "a")).contains("llama8b");
    }

    /**
     * A worker carries the context of the request that started its task, and Panache keeps its session in the
     * context: a unit of work run on the caller's context joined whatever transaction another unit had open there. A
     * swap's choice, saved while the operation's events were being written on that context, was lost (SwapPageTest
     * failed in CI with the file's model read back). Every unit now runs on a context of its own.
     */
    @Test
    void aUnitOfWorkNeverRunsOnItsCallersContext() throws Exception {
        Context callers = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        List<Context> seen = callers.executeBlocking(() -> List.of(
                Vertx.currentContext(),
                UnitOfWork.await(() -> Uni.createFrom().item(Vertx::currentContext)),
                UnitOfWork.await(() -> Uni.createFrom().item(Vertx::currentContext)))).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(seen.get(0)).as("the test's worker runs on the caller's context").isSameAs(callers);
        assertThat(seen.get(1)).isNotSameAs(callers).isNotSameAs(seen.get(2));
        assertThat(VertxContext.isDuplicatedContext(seen.get(1))).isTrue();
        String service = "vllm-" + UUID.randomUUID();
        callers.executeBlocking(() -> {
            store.save(service, "qwen-8k", "qwen");
            return null;
        }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(store.chosen(service, "qwen")).contains("qwen-8k");
    }

    @Test
    void operationsAreRecordedInOrderWithEventsAndOutcome() throws Exception {
        Operations operations = new Operations();
        operations.addListener(recorder);
        Operation op = operations.start("swap", "vllm-" + UUID.randomUUID(), "qwen7b");
        op.event("stopping the container");
        op.event("starting qwen7b");
        awaitWritten();
        assertThat(lock.runningOperation(op.service())).contains(op.id());
        op.finish(Operation.State.FAILED, "health check timed out");
        awaitWritten();
        var row = pool.preparedQuery("select state, error, finished_at from model_manager.operations where id = $1")
                .execute(Tuple.of(UUID.fromString(op.id()))).await().atMost(Duration.ofSeconds(10)).iterator().next();
        assertThat(row.getString("state")).isEqualTo(op.view().state());
        assertThat(row.getString("error")).isEqualTo("health check timed out");
        assertThat(row.getOffsetDateTime("finished_at")).isNotNull();
        List<String> messages = pool.preparedQuery("select message from model_manager.operation_events where operation_id = $1 order by id")
                .execute(Tuple.of(UUID.fromString(op.id()))).await().atMost(Duration.ofSeconds(10)).stream()
                .map(r -> r.getString("message")).toList();
        assertThat(messages).containsSubsequence("stopping the container", "starting qwen7b");
        assertThat(lock.runningOperation(op.service())).isEmpty();
    }

    @Test
    void anEventWhoseOperationWasNeverWrittenDoesNotHoldBackTheOthers() throws Exception {
        Operations unrecorded = new Operations();
        Operation orphan = unrecorded.start("swap", "vllm-" + UUID.randomUUID(), "qwen7b");
        unrecorded.addListener(recorder);
        orphan.event("an event of an operation the database never saw"); // refused: no row for its foreign key
        Operation op = unrecorded.start("swap", "vllm-" + UUID.randomUUID(), "qwen7b");
        op.finish(Operation.State.SUCCEEDED, null);
        awaitWritten();
        var rows = pool.preparedQuery("select state from model_manager.operations where id = $1")
                .execute(Tuple.of(UUID.fromString(op.id()))).await().atMost(Duration.ofSeconds(10));
        assertThat(rows.size()).as("the operation after the refused event is stored").isEqualTo(1);
    }

    private void awaitWritten() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!recorder.idle() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(recorder.idle()).isTrue();
    }

    private boolean tryAdvisoryLock(String service) {
        return pool.withConnection(c -> c.preparedQuery("select pg_try_advisory_lock($1) as ok").execute(Tuple.of(PgSwapLock.key(service)))
                .call(rows -> rows.iterator().next().getBoolean("ok")
                        ? c.preparedQuery("select pg_advisory_unlock($1)").execute(Tuple.of(PgSwapLock.key(service)))
                        : io.smallrye.mutiny.Uni.createFrom().voidItem()))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getBoolean("ok");
    }

    private static <T> T onOtherThread(java.util.function.Supplier<T> work) throws Exception {
        return CompletableFuture.supplyAsync(work).get(20, TimeUnit.SECONDS);
    }
}
