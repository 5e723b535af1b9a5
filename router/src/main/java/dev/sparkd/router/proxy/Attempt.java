package dev.sparkd.router.proxy;

import dev.sparkd.router.budget.Budgets;
import dev.sparkd.router.target.Target;
import io.vertx.core.http.HttpClientRequest;

/**
 * One try of one request at one target. It holds what the try took — the breaker's permit, a slot in the target's
 * in-flight count and the budget reservation — and gives all of them back in {@link #close}, once, whichever way the
 * try ends. Callbacks of a closed attempt are stale and ignored.
 */
final class Attempt {
    /** What the try says about the target. */
    enum Verdict {
        /** The target answered: the breaker closes. */
        SUCCESS,
        /** The target failed: counts towards opening the breaker. */
        FAILURE,
        /** No verdict (the client left, the request could not be built): a half-open probe is freed. */
        NONE
    }

    final Target target;
    private final Budgets budgets;
    private final String keyId;
    private Budgets.Reservation reservation;
    private boolean closed;

    /** The upstream request once connected, to reset it when the try is abandoned. */
    HttpClientRequest request;
    /** Whether the upstream answer was read to its end (a reset would then only cost a pooled connection). */
    boolean upstreamEnded;
    /** When the request went out ({@link System#nanoTime}). */
    long sentAt;

    private Attempt(Target target, Budgets budgets, String keyId, Budgets.Reservation reservation) {
        this.target = target;
        this.budgets = budgets;
        this.keyId = keyId;
        this.reservation = reservation;
    }

    /**
     * Takes the breaker's permit and an in-flight slot for a target whose budget is already reserved (or needs none) and
     * whose service slot ({@code Upstream#tryEnter}) is taken; when the breaker says no, both are given back and null
     * returned.
     */
    static Attempt acquire(Target target, Budgets budgets, String keyId, Budgets.Reservation reservation, long now) {
        if (!target.breaker().tryAcquire(now)) {
            budgets.settle(reservation, target.service(), keyId, 0);
            target.upstream().leave();
            return null;
        }
        target.inFlight().incrementAndGet();
        return new Attempt(target, budgets, keyId, reservation);
    }

    boolean closed() {
        return closed;
    }

    /**
     * Ends the try: tells the breaker, frees the in-flight slot, replaces the budget reservation by {@code costUsd},
     * and resets the upstream request unless its answer has ended. Only the first call counts.
     */
    void close(Verdict verdict, double costUsd) {
        if (closed) {
            return;
        }
        closed = true;
        switch (verdict) {
            case SUCCESS -> target.breaker().onSuccess();
            case FAILURE -> target.breaker().onFailure(System.nanoTime());
            case NONE -> target.breaker().release();
        }
        target.inFlight().decrementAndGet();
        target.upstream().leave();
        budgets.settle(reservation, target.service(), keyId, costUsd);
        reservation = null;
        // last: a reset fires the request's exception handler at once, which must find the attempt closed (or it would
        // take its own reset for a broken upstream and fail the target a second time)
        HttpClientRequest r = request;
        request = null;
        if (r != null && !upstreamEnded) {
            r.reset();
        }
    }
}
