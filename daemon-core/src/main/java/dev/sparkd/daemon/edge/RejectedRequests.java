package dev.sparkd.daemon.edge;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/**
 * {@code sparkd_http_rejected_total{reason}}: requests refused before any work was done. Rejections are counted
 * here and nowhere else — never a ledger or audit row — so a flood of them costs a counter increment, not disk.
 */
@Singleton
public class RejectedRequests {
    /** Why a request was refused; the metric's {@code reason} label. */
    public enum Reason {
        /** {@code Host} not one of the daemon's names (DNS rebinding). */
        HOST,
        /** A browser {@code Origin} that is not allowed. */
        ORIGIN,
        /** A body that is not {@code application/json}. */
        CONTENT_TYPE,
        /** An admin route without the admin token. */
        ADMIN_TOKEN,
        /** A router request without a valid API key. */
        API_KEY,
        /** A request that could not be parsed (router: not a JSON object, no model, unknown route, bad header). */
        MALFORMED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);

    public RejectedRequests(MeterRegistry registry) {
        for (Reason r : Reason.values()) {
            counters.put(r, Counter.builder("sparkd.http.rejected").tag("reason", r.label())
                    .description("requests refused before any work was done").register(registry));
        }
    }

    public void count(Reason reason) {
        counters.get(reason).increment();
    }
}
