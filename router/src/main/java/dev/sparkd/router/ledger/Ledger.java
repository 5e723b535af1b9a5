package dev.sparkd.router.ledger;

import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.type.TypeFactory;

import dev.sparkd.core.queue.Codec;
import dev.sparkd.core.queue.Keyed;
import dev.sparkd.daemon.persistence.WriteBehindDriver;
import dev.sparkd.daemon.persistence.WriteBehindLog;
import jakarta.inject.Singleton;

/**
 * The usage ledger's write side: requests enqueue entries (no I/O on the request path); a 200 ms timer, or a full batch,
 * writes them in batches of up to {@value #BATCH}, one round trip each. Memory holds at most {@value #MAX_BYTES} bytes
 * of entries; the rest waits in {@code ledger.spill} (see {@link WriteBehindLog}).
 */
@Singleton
public class Ledger extends WriteBehindLog<LedgerEntry> {
    static final int BATCH = 500;
    static final long MAX_BYTES = 8L * 1024 * 1024;

    public Ledger(LedgerRepository repository, WriteBehindDriver driver, @ConfigProperty(name = "sparkd.state-dir") String stateDir) {
        super("ledger", Codec.<Keyed<LedgerEntry>>json(TypeFactory.defaultInstance().constructParametricType(Keyed.class, LedgerEntry.class))
                .weighedBy(k -> k.entry().encodedSizeEstimate()), MAX_BYTES, BATCH, BATCH, Duration.ofMillis(200), repository::insertAll, driver, stateDir);
    }
}
