package dev.sparkd.router.proxy;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import dev.sparkd.router.metrics.RouterMetrics;
import dev.sparkd.router.ledger.Ledger;
import dev.sparkd.router.ledger.LedgerEntry;
import jakarta.inject.Singleton;

/**
 * Where a finished request is written down, once: the ledger row, the metrics and the access log line (one JSON
 * object per request on the {@code dev.sparkd.router.access} category, which has its own asynchronous handler in
 * application.properties: formatting and writing the line on the event loop was ~7% of a proxied request's CPU).
 */
@Singleton
public class Recorder {
    static final Logger ACCESS = Logger.getLogger("dev.sparkd.router.access");
    private static final JsonFactory JSON = new JsonFactory();

    private final Ledger ledger;
    private final RouterMetrics metrics;

    public Recorder(Ledger ledger, RouterMetrics metrics) {
        this.ledger = ledger;
        this.metrics = metrics;
    }

    /**
     * Records one finished request.
     *
     * @param nanos     arrival to end
     * @param ttftNanos arrival to the first streamed byte, or negative when nothing was streamed
     */
    public void record(LedgerEntry e, long nanos, long ttftNanos) {
        ledger.record(e);
        observe(e, nanos, ttftNanos);
    }

    /** A request refused before it was authenticated or understood: metrics and access log, never a ledger row. */
    public void refused(LedgerEntry e, long nanos) {
        observe(e, nanos, -1);
    }

    private void observe(LedgerEntry e, long nanos, long ttftNanos) {
        String route = e.route() == null ? "-" : e.route();
        String target = e.target() == null ? "-" : e.target();
        String provider = e.provider() == null ? "-" : e.provider();
        metrics.request(route, target, provider, e.outcome(), nanos);
        if (ttftNanos >= 0) {
            metrics.ttft(route, target, provider, ttftNanos);
            if (e.completionTokens() > 1 && nanos > ttftNanos) {
                metrics.timePerToken(route, target, provider, (nanos - ttftNanos) / (e.completionTokens() - 1));
            }
        }
        if (e.target() != null) {
            metrics.tokens(provider, e.promptTokens(), e.completionTokens(), e.costUsd());
        }
        if (ACCESS.isInfoEnabled()) {
            ACCESS.info(accessLine(e));
        }
    }

    /** The access log line: the ledger row's fields, with "-" for a missing target or provider. */
    static String accessLine(LedgerEntry e) {
        StringWriter out = new StringWriter(320);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", e.at().toString());
            g.writeStringField("request_id", e.requestId());
            g.writeStringField("endpoint", e.endpoint());
            g.writeStringField("route", e.route());
            g.writeStringField("target", e.target() == null ? "-" : e.target());
            g.writeStringField("provider", e.provider() == null ? "-" : e.provider());
            g.writeStringField("key", e.keyId());
            g.writeNumberField("status", e.status());
            g.writeStringField("outcome", e.outcome());
            g.writeNumberField("latency_ms", Math.round(e.latencyMs() * 1000) / 1000.0);
            if (e.ttftMs() != null) {
                g.writeNumberField("ttft_ms", Math.round(e.ttftMs() * 1000) / 1000.0);
            }
            g.writeNumberField("prompt_tokens", e.promptTokens());
            g.writeNumberField("completion_tokens", e.completionTokens());
            g.writeNumberField("cost_usd", e.costUsd());
            g.writeNumberField("attempts", e.attempts());
            if (e.fallbacks() != null) {
                g.writeStringField("fallbacks", e.fallbacks());
            }
            if (e.error() != null) {
                g.writeStringField("error", e.error());
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a StringWriter does not fail
        }
        return out.toString();
    }
}
