package dev.sparkd.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.router.ledger.LedgerEntry;

/** The JSON the router writes itself: the access log line and OpenAI-shaped errors, with hostile text in them. */
class RecorderTest {
    final ObjectMapper mapper = new ObjectMapper();
    static final String HOSTILE = "quote \" backslash \\ newline \n tab \t bell \u0007 é";

    @Test
    void theAccessLineIsOneJsonObjectWithTheLedgerFields() throws Exception {
        LedgerEntry e = new LedgerEntry(Instant.now(), "rid-1", "chat", "chat", "vllm-1", "vllm", "ab12cd34", 200, "ok", HOSTILE, 7, 1,
                0.25, 12.34567, 3.21012, true, 2, "ollama-1(connect)");

        JsonNode line = mapper.readTree(Recorder.accessLine(e));

        assertThat(line.path("time").asText()).isEqualTo(e.at().toString());
        assertThat(line.path("request_id").asText()).isEqualTo("rid-1");
        assertThat(line.path("endpoint").asText()).isEqualTo("chat");
        assertThat(line.path("target").asText()).isEqualTo("vllm-1");
        assertThat(line.path("key").asText()).isEqualTo("ab12cd34");
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.path("latency_ms").asDouble()).isEqualTo(12.346);
        assertThat(line.path("ttft_ms").asDouble()).isEqualTo(3.21);
        assertThat(line.path("prompt_tokens").asLong()).isEqualTo(7);
        assertThat(line.path("cost_usd").asDouble()).isEqualTo(0.25);
        assertThat(line.path("attempts").asInt()).isEqualTo(2);
        assertThat(line.path("fallbacks").asText()).isEqualTo("ollama-1(connect)");
        assertThat(line.path("error").asText()).isEqualTo(HOSTILE);
        assertThat(Recorder.accessLine(e)).doesNotContain("\n");
    }

    @Test
    void aRejectedRequestHasNoTargetAndNoOptionalFields() throws Exception {
        LedgerEntry e = new LedgerEntry(Instant.now(), "rid-2", "embeddings", null, null, null, "-", 401, "rejected", null, 0, 0, 0, 0.5,
                null, false, 0, null);

        JsonNode line = mapper.readTree(Recorder.accessLine(e));

        assertThat(line.path("route").isNull()).isTrue();
        assertThat(line.path("target").asText()).isEqualTo("-");
        assertThat(line.path("provider").asText()).isEqualTo("-");
        assertThat(line.has("ttft_ms")).isFalse();
        assertThat(line.has("fallbacks")).isFalse();
        assertThat(line.has("error")).isFalse();
    }

    @Test
    void errorsHaveOpenAisShapeAndSurviveAnyMessage() throws Exception {
        JsonNode json = mapper.readTree(new OpenAiError(502, "upstream_error", "backend_failed", null, HOSTILE, "vllm-1").json("rid-3"));

        JsonNode error = json.path("error");
        assertThat(error.path("message").asText()).isEqualTo(HOSTILE);
        assertThat(error.path("type").asText()).isEqualTo("upstream_error");
        assertThat(error.path("code").asText()).isEqualTo("backend_failed");
        assertThat(error.has("param")).isTrue();
        assertThat(error.path("param").isNull()).isTrue();
        assertThat(error.path("backend").asText()).isEqualTo("vllm-1");
        assertThat(error.path("request_id").asText()).isEqualTo("rid-3");
    }
}
