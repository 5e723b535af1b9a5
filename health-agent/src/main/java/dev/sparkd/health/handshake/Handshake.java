package dev.sparkd.health.handshake;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.probe.Load;
import dev.sparkd.health.probe.Elapsed;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.ServiceKind;
import dev.sparkd.core.http.HttpTimeouts;
import dev.sparkd.core.ollama.GenerateRequest;
import dev.sparkd.core.ollama.GenerateResponse;
import dev.sparkd.core.ollama.OllamaClient;
import dev.sparkd.core.ollama.OllamaSettings;
import dev.sparkd.core.openai.ChatStream;
import dev.sparkd.core.openai.OpenAiClient;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * The inference handshake: a tiny deterministic generation that proves the model answers, and measures time to
 * first token and tokens per second. It never cold-loads a model by accident: on Ollama it uses the declared
 * {@code handshake_model}, or a model that {@code /api/ps} shows loaded, or it skips. Cloud services are never asked
 * (that would spend tokens). Reasoning models think before answering and spend the token budget on it (Ollama
 * routes.go, vLLM reasoning parsers), so thinking is turned off or down where the server allows it, the budget leaves
 * room for the answer, and only the answer is judged, never the reasoning.
 */
public final class Handshake implements AutoCloseable {
    public static final String PROMPT = "What is 2+2? Reply with just the number.";
    static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NUMBER = Pattern.compile("-?\\d+");
    /** Tokens for a model that may think first: its shortened thinking and the answer share them. */
    static final int THINKING_BUDGET = 256;

    private final Vertx vertx;
    private final HealthSettings settings;
    private final Map<String, AutoCloseable> clients = new ConcurrentHashMap<>();

    public Handshake(io.vertx.core.Vertx vertx, HealthSettings settings) {
        this.vertx = Vertx.newInstance(vertx);
        this.settings = settings;
    }

    /** Whether this service gets handshakes at all. */
    public boolean applies(ServiceDef def) {
        boolean kind = def.kind() == ServiceKind.OLLAMA || def.kind() == ServiceKind.VLLM || def.kind() == ServiceKind.LLAMACPP;
        return kind && settings.overrides(def.name()).map(HealthSettings.ServiceOverrides::handshake).orElse(true);
    }

    /** Runs one handshake; {@code load} is what the last probe saw (loaded and served models). Never fails. */
    public Uni<HandshakeResult> run(ServiceDef def, Load load) {
        Optional<String> declared = settings.overrides(def.name()).flatMap(HealthSettings.ServiceOverrides::handshakeModel);
        Uni<HandshakeResult> result;
        if (def.kind() == ServiceKind.OLLAMA) {
            Optional<String> model = declared.or(() -> load == null || load.loadedModels() == null ? Optional.empty()
                    : load.loadedModels().stream().findFirst());
            if (model.isEmpty()) {
                return Uni.createFrom().item(HandshakeResult.skipped(null,
                        "no model loaded; set [health.services." + def.name() + "] handshake_model to test one"));
            }
            result = ollama(def, model.get());
        } else {
            Optional<String> model = declared.or(() -> load == null || load.servedModels() == null ? Optional.empty()
                    : load.servedModels().stream().findFirst());
            if (model.isEmpty() && def.kind() == ServiceKind.VLLM) {
                return Uni.createFrom().item(HandshakeResult.skipped(null, "not serving a model yet"));
            }
            result = openAi(def, model.orElse(def.model().orElse("default")));
        }
        return result.ifNoItem().after(DEADLINE).recoverWithItem(() -> failed(declared.orElse(null),
                        "no answer within " + Elapsed.human(DEADLINE)))
                .onFailure().recoverWithItem(t -> failed(declared.orElse(null), "failed: " + safeMessage(t)));
    }

    private Uni<HandshakeResult> ollama(ServiceDef def, String model) {
        OllamaClient client = (OllamaClient) clients.computeIfAbsent(def.name(), n -> new OllamaClient(vertx, def.baseUri(),
                OllamaSettings.defaults().withInference(new HttpTimeouts(Duration.ofSeconds(5), DEADLINE, Duration.ofSeconds(30)))));
        return client.show(model).onFailure().recoverWithNull().onItem().transformToUni(info -> {
            Object think = info == null ? null : info.leastThinking();
            GenerateRequest request = GenerateRequest.of(model, PROMPT).withThink(think)
                    .withOptions(Map.of("num_predict", think == null ? 8 : THINKING_BUDGET, "temperature", 0));
            return ollamaGenerate(def, model, client, request);
        });
    }

    private Uni<HandshakeResult> ollamaGenerate(ServiceDef def, String model, OllamaClient client, GenerateRequest request) {
        long start = System.nanoTime();
        AtomicLong first = new AtomicLong(-1);
        StringBuilder text = new StringBuilder();
        AtomicReference<GenerateResponse> last = new AtomicReference<>();
        return client.generateStream(request).onItem().invoke(chunk -> {
            if (chunk.response() != null && !chunk.response().isEmpty()) {
                first.compareAndSet(-1, System.nanoTime());
                text.append(chunk.response());
            }
            if (chunk.done()) {
                last.set(chunk);
            }
        }).collect().last().map(ignored -> {
            Double ttft = first.get() < 0 ? null : (first.get() - start) / 1e9;
            Double tps = last.get() == null ? null : last.get().metrics().tokensPerSecond().isPresent()
                    ? last.get().metrics().tokensPerSecond().getAsDouble() : null;
            return judge(def, model, text.toString(), ttft, tps);
        });
    }

    private Uni<HandshakeResult> openAi(ServiceDef def, String model) {
        URI base = URI.create(def.baseUri().toString().replaceAll("/$", "") + "/v1");
        OpenAiClient client = (OpenAiClient) clients.computeIfAbsent(def.name(), n -> new OpenAiClient(vertx, base, null,
                new HttpTimeouts(Duration.ofSeconds(5), DEADLINE, Duration.ofSeconds(30))));
        // Qwen3 templates take enable_thinking=false; gpt-oss cannot stop reasoning, "low" keeps it short. Servers and
        // templates that know neither ignore them.
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", THINKING_BUDGET).put("temperature", 0)
                .put("reasoning_effort", "low");
        body.putObject("chat_template_kwargs").put("enable_thinking", false);
        body.putArray("messages").addObject().put("role", "user").put("content", PROMPT);
        ChatStream stream = client.openChatStream(body, true);
        StringBuilder text = new StringBuilder();
        return stream.events().onItem().invoke(event -> {
            if (event.isDone()) {
                return;
            }
            try {
                JsonNode chunk = JSON.readTree(event.data());
                JsonNode content = chunk.path("choices").path(0).path("delta").path("content");
                if (content.isTextual()) {
                    text.append(content.asText());
                }
            } catch (Exception ignored) {
                // the client already fails the stream on an error event
            }
        }).collect().last().map(ignored -> {
            Double ttft = stream.timing().timeToFirstToken().map(d -> d.toNanos() / 1e9).orElse(null);
            Double total = stream.timing().total().map(d -> d.toNanos() / 1e9).orElse(null);
            long tokens = stream.timing().usage().map(u -> u.path("completion_tokens").asLong(0)).orElse(0L);
            Double tps = null;
            if (tokens > 1 && ttft != null && total != null && total > ttft) {
                tps = (tokens - 1) / (total - ttft);
            } else if (tokens > 0 && total != null && total > 0) {
                tps = tokens / total;
            }
            return judge(def, model, text.toString(), ttft, tps);
        });
    }

    HandshakeResult judge(ServiceDef def, String model, String answer, Double ttft, Double tps) {
        String shown = answer.strip();
        shown = shown.length() > 40 ? shown.substring(0, 40) + "…" : shown;
        Matcher m = NUMBER.matcher(answer);
        String number = m.find() ? m.group() : null;
        if (!"4".equals(number)) {
            String said = number != null ? number : "\"" + shown + "\"";
            return new HandshakeResult(Instant.now(), model, false, shown, ttft, tps, "handshake answered " + said + ", expected 4", false);
        }
        HealthSettings.Thresholds th = settings.thresholds(def.name());
        String reason = null;
        if (ttft != null && th.handshakeMaxTtft().isPresent() && ttft > th.handshakeMaxTtft().get().toNanos() / 1e9) {
            reason = "handshake time to first token " + Elapsed.human(Duration.ofMillis(Math.round(ttft * 1000))) + " > "
                    + Elapsed.human(th.handshakeMaxTtft().get());
        } else if (tps != null && th.handshakeMinTokensPerSecond().isPresent() && tps < th.handshakeMinTokensPerSecond().getAsDouble()) {
            reason = String.format(java.util.Locale.ROOT, "handshake %.1f tokens/s < %s", tps,
                    trim(th.handshakeMinTokensPerSecond().getAsDouble()));
        }
        return new HandshakeResult(Instant.now(), model, true, shown, ttft, tps, reason, false);
    }

    private static HandshakeResult failed(String model, String reason) {
        return new HandshakeResult(Instant.now(), model, false, null, null, null, "handshake " + reason, false);
    }

    private static String safeMessage(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.length() > 160 ? m.substring(0, 160) + "…" : m;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    @Override
    public void close() {
        for (AutoCloseable c : List.copyOf(clients.values())) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing pools only
            }
        }
    }
}
