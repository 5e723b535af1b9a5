package dev.sparkd.mcp.audit;

import org.jboss.logging.Logger;

import jakarta.inject.Singleton;

/**
 * Where every finished {@code tools/call} goes for the audit log. The write does not hold up the call: a failed write
 * is logged and the caller still gets the tool's answer.
 */
@Singleton
public class AuditSink {
    private static final Logger LOG = Logger.getLogger(AuditSink.class);
    private final AuditRepository repository;

    public AuditSink(AuditRepository repository) {
        this.repository = repository;
    }

    public void record(AuditEntry e) {
        repository.insert(e).subscribe().with(ok -> {
        }, failure -> LOG.warnf("could not write the audit row for a call of %s: %s", e.exposedName(), failure.getMessage()));
    }
}
