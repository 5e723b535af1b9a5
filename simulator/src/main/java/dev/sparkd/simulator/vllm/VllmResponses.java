package dev.sparkd.simulator.vllm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.generation.ToolCalls;
import dev.sparkd.simulator.http.Json;
import java.util.function.Consumer;

/**
 * vLLM's OpenAI-compatible response bodies, field for field as vLLM ~0.11 serialises them
 * (vllm-project/vllm {@code vllm/entrypoints/openai/protocol.py}: ChatCompletionResponse, ChatCompletionStreamResponse,
 * CompletionResponse, UsageInfo, ErrorResponse).
 */
final class VllmResponses {
    private VllmResponses() {
    }

    static ObjectNode chat(String id, long created, String model, String text, String finishReason, int prompt, int completion) {
        ObjectNode r = Json.openAiObject(id, "chat.completion", created, model);
        ObjectNode choice = r.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", text);
        message.putNull("refusal");
        message.putNull("annotations");
        message.putNull("audio");
        message.putNull("function_call");
        message.putArray("tool_calls");
        message.putNull("reasoning_content");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        choice.putNull("stop_reason");
        r.putNull("service_tier");
        r.putNull("system_fingerprint");
        r.set("usage", usage(prompt, completion));
        r.putNull("prompt_logprobs");
        r.putNull("kv_transfer_params");
        return r;
    }

    /**
     * A chat answer that calls a tool (with {@code --enable-auto-tool-choice} and a tool parser): no content, one entry in
     * {@code tool_calls} with the arguments as JSON text, {@code finish_reason: tool_calls}.
     */
    static ObjectNode toolCall(String id, long created, String model, String callId, ToolCalls.Call call, int prompt, int completion) {
        ObjectNode r = chat(id, created, model, null, "tool_calls", prompt, completion);
        ObjectNode message = (ObjectNode) r.path("choices").path(0).path("message");
        message.putNull("content");
        ObjectNode c = message.putArray("tool_calls").addObject();
        c.put("id", callId);
        c.put("type", "function");
        c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
        return r;
    }

    /**
     * A streamed tool-call delta: the first names the call ({@code id}, {@code type}, {@code function.name}), the rest
     * carry argument fragments, all at {@code index} 0.
     */
    static ObjectNode toolCallChunk(String id, long created, String model, String callId, String name, String arguments,
                                    String finishReason) {
        return chunk(id, created, model, finishReason, delta -> {
            ObjectNode c = delta.putArray("tool_calls").addObject();
            c.put("index", 0);
            if (callId != null) {
                c.put("id", callId);
                c.put("type", "function");
            }
            ObjectNode f = c.putObject("function");
            if (name != null) {
                f.put("name", name);
            }
            if (arguments != null) {
                f.put("arguments", arguments);
            }
        });
    }

    /** A streamed chat chunk; {@code role} only on the first, {@code finishReason} only on the last content chunk. */
    static ObjectNode chatChunk(String id, long created, String model, String role, String content, String finishReason) {
        return chunk(id, created, model, finishReason, delta -> {
            if (role != null) {
                delta.put("role", role);
            }
            delta.put("content", content);
        });
    }

    /** A streamed reasoning delta (with {@code --reasoning-parser}): the reasoning field, no content. */
    static ObjectNode reasoningChunk(String id, long created, String model, String text, boolean reasoningField, String finishReason) {
        return chunk(id, created, model, finishReason, delta -> reasoning(delta, text, reasoningField));
    }

    private static ObjectNode chunk(String id, long created, String model, String finishReason, Consumer<ObjectNode> delta) {
        ObjectNode r = Json.openAiObject(id, "chat.completion.chunk", created, model);
        ObjectNode choice = r.putArray("choices").addObject();
        choice.put("index", 0);
        delta.accept(choice.putObject("delta"));
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (finishReason != null) {
            choice.putNull("stop_reason");
        }
        return r;
    }

    /**
     * Sets the reasoning text: {@code reasoning_content} up to 0.11.0; later versions name it {@code reasoning} and keep
     * {@code reasoning_content} as an alias (docs.vllm.ai v0.11.2 features/reasoning_outputs).
     */
    static void reasoning(ObjectNode target, String text, boolean reasoningField) {
        if (reasoningField) {
            target.put("reasoning", text);
        }
        target.put("reasoning_content", text);
    }

    /** The extra chunk {@code stream_options.include_usage} asks for: empty {@code choices}, then {@code usage}. */
    static ObjectNode usageChunk(String id, String object, long created, String model, int prompt, int completion) {
        ObjectNode r = Json.openAiObject(id, object, created, model);
        r.putArray("choices");
        ObjectNode usage = r.putObject("usage");
        usage.put("prompt_tokens", prompt);
        usage.put("total_tokens", prompt + completion);
        usage.put("completion_tokens", completion);
        return r;
    }

    static ObjectNode completion(String id, long created, String model, String text, String finishReason, int prompt, int completion) {
        ObjectNode r = completionChunk(id, created, model, text, finishReason);
        ((ObjectNode) r.get("choices").get(0)).putNull("prompt_logprobs");
        r.putNull("service_tier");
        r.putNull("system_fingerprint");
        r.set("usage", usage(prompt, completion));
        r.putNull("kv_transfer_params");
        return r;
    }

    static ObjectNode completionChunk(String id, long created, String model, String text, String finishReason) {
        ObjectNode r = Json.openAiObject(id, "text_completion", created, model);
        ObjectNode choice = r.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("text", text);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        choice.putNull("stop_reason");
        return r;
    }

    static ObjectNode embeddings(String id, long created, String model, float[][] vectors, int prompt) {
        ObjectNode r = Json.openAiObject(id, "list", created, model);
        ArrayNode data = r.putArray("data");
        for (int i = 0; i < vectors.length; i++) {
            ObjectNode d = data.addObject();
            d.put("index", i);
            d.put("object", "embedding");
            ArrayNode e = d.putArray("embedding");
            for (float f : vectors[i]) {
                e.add(f);
            }
        }
        r.set("usage", usage(prompt, 0));
        return r;
    }

    /**
     * vLLM's error body. Since 0.10 it is {@code {"error":{message,type,param,code}}}
     * ({@code ErrorResponse(error=ErrorInfo)}); before, the fields sat at the top level with {@code "object":"error"}.
     */
    static ObjectNode error(boolean legacy, int status, String type, String message, String param) {
        ObjectNode info = Json.object();
        if (legacy) {
            info.put("object", "error");
        }
        info.put("message", message);
        info.put("type", type);
        if (param == null) {
            info.putNull("param");
        } else {
            info.put("param", param);
        }
        info.put("code", status);
        if (legacy) {
            return info;
        }
        ObjectNode r = Json.object();
        r.set("error", info);
        return r;
    }

    /** vLLM's {@code UsageInfo}; pooling and embedding answers have no completion tokens. */
    static ObjectNode usage(int prompt, int completion) {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", prompt);
        usage.put("total_tokens", prompt + completion);
        usage.put("completion_tokens", completion);
        usage.putNull("prompt_tokens_details");
        return usage;
    }
}
