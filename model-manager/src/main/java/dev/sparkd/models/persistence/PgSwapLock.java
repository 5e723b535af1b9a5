package dev.sparkd.models.persistence;

import java.time.Duration;
import java.util.Optional;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import dev.sparkd.daemon.persistence.UnitOfWork;
import dev.sparkd.models.engine.SwapLock;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A PostgreSQL session-level advisory lock per service, so two model-manager instances sharing a database never swap
 * the same service at once. The lock belongs to a database connection, so it is taken in a Hibernate Reactive session
 * of its own that stays open for the whole swap and is released and closed on the context that opened it. The engine
 * calls this on worker threads and waits there.
 */
@ApplicationScoped
public class PgSwapLock implements SwapLock {
    private static final Logger LOG = Logger.getLogger(PgSwapLock.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Mutiny.SessionFactory sessions;
    private final OperationRepository operations;

    public PgSwapLock(Mutiny.SessionFactory sessions, OperationRepository operations) {
        this.sessions = sessions;
        this.operations = operations;
    }

    static long key(String service) {
        return ("sparkd-model-manager-swap:" + service).hashCode();
    }

    /** An open session holding the lock, and the Vert.x context it must be used on. */
    private record Held(Mutiny.Session session, Context context, boolean locked) {
    }

    @Override
    public Optional<Lease> tryLock(String service) {
        Held held = UnitOfWork.await(() -> sessions.openSession().chain(session -> session
                .createNativeQuery("select pg_try_advisory_lock(?1)", Boolean.class).setParameter(1, key(service)).getSingleResult()
                .onFailure().call(session::close)
                .chain(locked -> locked ? Uni.createFrom().item(new Held(session, Vertx.currentContext(), true))
                        : session.close().replaceWith(new Held(session, null, false))))
                .ifNoItem().after(TIMEOUT).fail());
        if (!held.locked()) {
            return Optional.empty();
        }
        return Optional.of(() -> held.context().runOnContext(v -> held.session()
                .createNativeQuery("select pg_advisory_unlock(?1)", Boolean.class).setParameter(1, key(service)).getSingleResult()
                .eventually(held.session()::close)
                .subscribe().with(ok -> { }, e -> LOG.warnf("swap lock of %s: release failed (%s); closing its connection frees it",
                        service, e.getMessage()))));
    }

    @Override
    public Optional<String> runningOperation(String service) {
        return UnitOfWork.await(() -> operations.runningSwap(service).ifNoItem().after(TIMEOUT).fail());
    }
}
