package dev.sparkd.mcp.call;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;


import dev.sparkd.mcp.access.CallerAccess;
import dev.sparkd.mcp.catalog.Features;
import dev.sparkd.mcp.upstream.Upstream;
import dev.sparkd.mcp.upstream.UpstreamState;
import dev.sparkd.mcp.upstream.Upstreams;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkiverse.mcp.server.BlobResourceContents;
import io.quarkiverse.mcp.server.JsonRpcErrorCodes;
import io.quarkiverse.mcp.server.McpConnection;
import io.quarkiverse.mcp.server.McpException;
import io.quarkiverse.mcp.server.PromptMessage;
import io.quarkiverse.mcp.server.PromptResponse;
import io.quarkiverse.mcp.server.ResourceContents;
import io.quarkiverse.mcp.server.ResourceResponse;
import io.quarkiverse.mcp.server.Role;
import io.quarkiverse.mcp.server.TextResourceContents;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

/**
 * {@code prompts/get} and {@code resources/read}: the caller's key must allow the prompt or resource (what a key may
 * not list, it cannot get or read either), then the request is forwarded to the owning upstream. Non-blocking,
 * bounded by the upstream's {@code call_timeout}; upstream JSON-RPC errors keep their code and message.
 */
@Singleton
public class FeatureCalls {
    private final Upstreams upstreams;
    private final CallerAccess access;

    public FeatureCalls(Upstreams upstreams, CallerAccess access) {
        this.upstreams = upstreams;
        this.access = access;
    }

    public Uni<PromptResponse> getPrompt(Features.PromptEntry prompt, McpConnection connection, Map<String, String> args) {
        if (!access.allows(connection, prompt.exposed())) {
            return Uni.createFrom().failure(new McpException("Invalid prompt name: " + prompt.exposed(), JsonRpcErrorCodes.INVALID_PARAMS));
        }
        Map<String, Object> arguments = new LinkedHashMap<>(args == null ? Map.of() : args);
        return forward(prompt.server(), c -> c.getPrompt(new McpSchema.GetPromptRequest(prompt.prompt().name(), arguments)))
                .map(FeatureCalls::toResponse);
    }

    public Uni<ResourceResponse> readResource(String server, McpConnection connection, String uri) {
        if (!access.allows(connection, Features.policyName(server, uri))) {
            return Uni.createFrom().failure(resourceNotFound(uri));
        }
        return forward(server, c -> c.readResource(new McpSchema.ReadResourceRequest(uri))).map(FeatureCalls::toResponse);
    }

    public static McpException resourceNotFound(String uri) {
        return new McpException("Resource not found: " + uri, JsonRpcErrorCodes.RESOURCE_NOT_FOUND);
    }

    private <T> Uni<T> forward(String server, Function<McpAsyncClient, Mono<T>> request) {
        Upstream upstream = upstreams.get(server).orElse(null);
        McpAsyncClient client = upstream == null ? null : upstream.client();
        if (upstream == null || upstream.state() != UpstreamState.READY || client == null) {
            return Uni.createFrom().failure(new McpException("upstream " + server + " is "
                    + (upstream == null ? "unknown" : upstream.state().label()) + "; try again shortly", JsonRpcErrorCodes.INTERNAL_ERROR));
        }
        Duration timeout = upstream.settings().callTimeout();
        return Uni.createFrom().completionStage(() -> request.apply(client).toFuture())
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .onFailure().transform(cause -> {
                    if (cause instanceof McpError e && e.getJsonRpcError() != null) {
                        return new McpException(e.getJsonRpcError().message(), e.getJsonRpcError().code());
                    }
                    if (cause instanceof TimeoutException) {
                        return new McpException("upstream " + server + " did not answer within " + timeout.toSeconds() + " s",
                                JsonRpcErrorCodes.INTERNAL_ERROR);
                    }
                    return new McpException("upstream " + server + " failed: " + cause.getClass().getSimpleName(),
                            JsonRpcErrorCodes.INTERNAL_ERROR);
                });
    }

    static PromptResponse toResponse(McpSchema.GetPromptResult r) {
        List<PromptMessage> messages = new ArrayList<>();
        if (r.messages() != null) {
            for (McpSchema.PromptMessage m : r.messages()) {
                messages.add(new PromptMessage(m.role() == McpSchema.Role.ASSISTANT ? Role.ASSISTANT : Role.USER, Results.content(m.content())));
            }
        }
        return new PromptResponse(r.description(), messages, Results.meta(r.meta()));
    }

    static ResourceResponse toResponse(McpSchema.ReadResourceResult r) {
        List<ResourceContents> contents = new ArrayList<>();
        if (r.contents() != null) {
            for (McpSchema.ResourceContents c : r.contents()) {
                if (c instanceof McpSchema.BlobResourceContents b) {
                    contents.add(new BlobResourceContents(b.uri(), b.blob(), b.mimeType(), Results.meta(b.meta())));
                } else if (c instanceof McpSchema.TextResourceContents t) {
                    contents.add(new TextResourceContents(t.uri(), t.text(), t.mimeType(), Results.meta(t.meta())));
                }
            }
        }
        return new ResourceResponse(contents, Results.meta(r.meta()));
    }
}
