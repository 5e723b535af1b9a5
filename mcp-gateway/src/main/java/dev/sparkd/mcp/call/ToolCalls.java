package dev.sparkd.mcp.call;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import dev.sparkd.core.auth.RateLimiter;
import dev.sparkd.core.auth.SecretHash;
import dev.sparkd.mcp.access.CallerAccess;
import dev.sparkd.mcp.access.Policy;
import dev.sparkd.mcp.audit.AuditEntry;
import dev.sparkd.mcp.audit.AuditLog;
import dev.sparkd.mcp.catalog.Catalog;
import dev.sparkd.mcp.config.McpSettings;
import dev.sparkd.mcp.metrics.McpMetrics;
import dev.sparkd.mcp.upstream.Upstream;
import dev.sparkd.mcp.upstream.UpstreamState;
import dev.sparkd.mcp.upstream.UpstreamTransports;
import dev.sparkd.mcp.upstream.Upstreams;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkiverse.mcp.server.JsonRpcErrorCodes;
import io.quarkiverse.mcp.server.McpConnection;
import io.quarkiverse.mcp.server.McpException;
import io.quarkiverse.mcp.server.ToolResponse;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Singleton;

/**
 * One downstream {@code tools/call}: policy, argument size, rate limits, then the upstream call with the server's
 * timeout; every call — refused or not — is measured and handed to the audit sink. Non-blocking: the upstream call is
 * a Reactor {@code Mono} bridged into a {@link Uni}.
 */
@Singleton
public class ToolCalls {
    private static final Logger LOG = Logger.getLogger(ToolCalls.class);
    /** JSON-RPC error code for a rate-limited call: HTTP's 429, outside the range JSON-RPC reserves. */
    public static final int RATE_LIMITED = 429;

    private final Upstreams upstreams;
    private final RateLimiter limiter;
    private final CallerAccess access;
    private final McpMetrics metrics;
    private final AuditLog audit;

    public ToolCalls(Upstreams upstreams, RateLimiter limiter, CallerAccess access, McpMetrics metrics, AuditLog audit) {
        this.upstreams = upstreams;
        this.limiter = limiter;
        this.access = access;
        this.metrics = metrics;
        this.audit = audit;
    }

    public Uni<ToolResponse> call(Catalog.Entry entry, McpConnection connection, Map<String, Object> arguments) {
        Optional<McpSettings.ApiKey> key = access.key(connection);
        long start = System.nanoTime();
        Instant at = Instant.now();
        Upstream upstream = upstreams.get(entry.server()).orElseThrow();
        McpSettings.Server server = upstream.settings();
        String argsJson = new JsonObject(arguments == null ? Map.of() : arguments).encode();
        byte[] argBytes = argsJson.getBytes(StandardCharsets.UTF_8);
        String keyId = key.map(McpSettings.ApiKey::id).orElse("-");
        Audit audit = new Audit(at, start, keyId, entry, argBytes.length, SecretHash.sha256Hex(argsJson), server.logArguments() ? argsJson : null);

        if (key.isEmpty() || !Policy.allows(key.get(), entry.exposed())) {
            return audit.fail(Outcome.DENIED, "key may not call this tool",
                    new McpException("Forbidden: key `" + keyId + "` may not call " + entry.exposed(), JsonRpcErrorCodes.INVALID_PARAMS));
        }
        if (argBytes.length > server.maxArgumentBytes()) {
            return audit.fail(Outcome.TOO_LARGE, argBytes.length + " bytes",
                    new McpException("arguments are " + argBytes.length + " bytes; server " + server.name() + " accepts at most "
                            + server.maxArgumentBytes(), JsonRpcErrorCodes.INVALID_PARAMS));
        }
        String keyBucket = "key:" + keyId;
        if (key.get().rateLimit().isPresent() && !limiter.tryAcquire(keyBucket, key.get().rateLimit().get().rate())) {
            return audit.fail(Outcome.RATE_LIMITED, "key limit " + key.get().rateLimit().get(),
                    new McpException("Too Many Requests: key `" + keyId + "` is limited to " + key.get().rateLimit().get() + " calls",
                            RATE_LIMITED));
        }
        if (server.toolRateLimit().isPresent() && !limiter.tryAcquire("tool:" + entry.exposed(), server.toolRateLimit().get().rate())) {
            key.get().rateLimit().ifPresent(r -> limiter.refund(keyBucket));
            return audit.fail(Outcome.RATE_LIMITED, "tool limit " + server.toolRateLimit().get(),
                    new McpException("Too Many Requests: " + entry.exposed() + " is limited to " + server.toolRateLimit().get() + " calls",
                            RATE_LIMITED));
        }
        McpAsyncClient client = upstream.client();
        if (upstream.state() != UpstreamState.READY || client == null) {
            return audit.fail(Outcome.UNAVAILABLE, upstream.state().label(),
                    new McpException("upstream " + server.name() + " is " + upstream.state().label() + "; try again shortly",
                            JsonRpcErrorCodes.INTERNAL_ERROR));
        }
        Duration timeout = server.callTimeout();
        McpSchema.CallToolRequest request = new McpSchema.CallToolRequest(entry.tool().name(), arguments == null ? Map.of() : arguments);
        return Uni.createFrom().completionStage(() -> client.callTool(request).toFuture())
                .ifNoItem().after(timeout).failWith(() -> new TimeoutException("no answer within " + timeout.toMillis() + " ms"))
                .onItemOrFailure().transformToUni((result, failure) -> {
                    if (failure == null && Results.size(result) > server.maxResultBytes()) {
                        // a remote (HTTP) server's result arrives whole; it is not passed on past the same limit
                        return audit.fail(Outcome.TOO_LARGE, "result of " + Results.size(result) + " characters",
                                new McpException("result too large: upstream " + server.name() + " answered with " + Results.size(result)
                                        + " characters, more than the " + server.maxResultBytes() + " this gateway accepts (max_result_size)",
                                        JsonRpcErrorCodes.INTERNAL_ERROR));
                    }
                    if (failure == null) {
                        boolean isError = Boolean.TRUE.equals(result.isError());
                        audit.done(isError ? Outcome.TOOL_ERROR : Outcome.OK, null);
                        return Uni.createFrom().item(Results.toResponse(result));
                    }
                    if (failure instanceof TimeoutException) {
                        return audit.fail(Outcome.TIMEOUT, failure.getMessage(), new McpException("upstream " + server.name()
                                + " did not answer within " + timeout.toMillis() + " ms", JsonRpcErrorCodes.INTERNAL_ERROR));
                    }
                    Throwable cause = unwrap(failure);
                    if (cause instanceof McpError e && e.getJsonRpcError() != null) {
                        String message = e.getJsonRpcError().message();
                        return audit.fail(UpstreamTransports.tooLarge(message) ? Outcome.TOO_LARGE : Outcome.ERROR, message,
                                new McpException(e.getJsonRpcError().message(), e.getJsonRpcError().code()));
                    }
                    LOG.debugf("upstream %s: call failed: %s", server.name(), cause.toString());
                    return audit.fail(Outcome.ERROR, cause.getClass().getSimpleName(),
                            new McpException("upstream " + server.name() + " failed: " + cause.getClass().getSimpleName(),
                                    JsonRpcErrorCodes.INTERNAL_ERROR));
                });
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private final class Audit {
        private final Instant at;
        private final long start;
        private final String keyId;
        private final Catalog.Entry entry;
        private final int size;
        private final String sha;
        private final String args;

        Audit(Instant at, long start, String keyId, Catalog.Entry entry, int size, String sha, String args) {
            this.at = at;
            this.start = start;
            this.keyId = keyId;
            this.entry = entry;
            this.size = size;
            this.sha = sha;
            this.args = args;
        }

        void done(Outcome outcome, String detail) {
            long nanos = System.nanoTime() - start;
            AuditEntry e = new AuditEntry(at, keyId, entry.server(), entry.tool().name(), entry.exposed(), size, sha, args,
                    outcome, detail, nanos);
            try {
                metrics.call(e);
                audit.record(e);
            } catch (RuntimeException ex) {
                LOG.warnf("could not record a tool call: %s", ex.getMessage());
            }
        }

        <T> Uni<T> fail(Outcome outcome, String detail, McpException e) {
            done(outcome, detail);
            return Uni.createFrom().failure(e);
        }
    }
}
