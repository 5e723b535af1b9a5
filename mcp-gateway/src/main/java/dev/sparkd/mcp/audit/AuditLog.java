package dev.sparkd.mcp.audit;

import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.type.TypeFactory;

import dev.sparkd.core.queue.Codec;
import dev.sparkd.core.queue.Keyed;
import dev.sparkd.daemon.persistence.WriteBehindDriver;
import dev.sparkd.daemon.persistence.WriteBehindLog;
import jakarta.inject.Singleton;

/**
 * The audit log's write side: a finished call is queued with its own id (the call path never waits for the database)
 * and written at once, together with whatever else finished while the previous write was in flight, in batches of up
 * to {@value #BATCH}. Memory holds at most {@value #MAX_BYTES} bytes of rows; the rest waits in {@code audit.spill}
 * (see {@link WriteBehindLog}).
 */
@Singleton
public class AuditLog extends WriteBehindLog<AuditEntry> {
    static final int BATCH = 100;
    static final long MAX_BYTES = 4L * 1024 * 1024;

    public AuditLog(AuditRepository repository, WriteBehindDriver driver, @ConfigProperty(name = "sparkd.state-dir") String stateDir) {
        super("audit", Codec.json(TypeFactory.defaultInstance().constructParametricType(Keyed.class, AuditEntry.class)), MAX_BYTES, BATCH, 1,
                Duration.ofSeconds(1), repository::insertAll, driver, stateDir);
    }
}
