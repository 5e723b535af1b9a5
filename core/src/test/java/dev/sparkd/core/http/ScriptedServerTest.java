package dev.sparkd.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The set-up a backend client's test shares: one Vert.x and one {@link TestHttpServer} per test class, the server's
 * script cleared and the client under test closed after each test.
 */
public abstract class ScriptedServerTest {
    protected static final Duration WAIT = Duration.ofSeconds(5);

    protected static Vertx vertx;
    protected static TestHttpServer server;
    private AutoCloseable underTest;

    @BeforeAll
    static void startServer() {
        vertx = Vertx.vertx();
        server = TestHttpServer.start(vertx.getDelegate());
    }

    @AfterAll
    static void stopServer() {
        server.close();
        vertx.closeAndAwait();
    }

    @AfterEach
    void resetServer() throws Exception {
        if (underTest != null) {
            underTest.close();
            underTest = null;
        }
        server.reset();
    }

    /** Registers {@code client} to be closed after the test, and returns it. */
    protected <C extends AutoCloseable> C closedAfterTest(C client) {
        underTest = client;
        return client;
    }

    /** Awaits {@code stream}'s failure and returns it, checked to be an error of {@code type} and {@code kind}. */
    protected static <E extends UpstreamException> E failure(AssertSubscriber<?> stream, Class<E> type,
            UpstreamException.Kind kind) {
        stream.awaitFailure(WAIT);
        assertThat(stream.getFailure()).isInstanceOf(type);
        E e = type.cast(stream.getFailure());
        assertThat(e.kind()).isEqualTo(kind);
        return e;
    }
}
