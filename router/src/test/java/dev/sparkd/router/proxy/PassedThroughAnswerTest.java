package dev.sparkd.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;

/** An OpenAI answer to an OpenAI client goes out byte for byte; only its usage is read, for the ledger. */
class PassedThroughAnswerTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private Translations.Answer answer(String body) throws Exception {
        return Translations.passedThrough(Buffer.buffer(body), mapper);
    }

    @Test
    void readsUsageWhereverItStandsAndSendsTheBodyUnchanged() throws Exception {
        String body = "{\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":3,\"total_tokens\":23,\"prompt_tokens_details\":{\"cached_tokens\":4}},"
                + "\"choices\":[{\"message\":{\"content\":\"{\\\"usage\\\":{\\\"prompt_tokens\\\":99}}\"}}],\"id\":\"x\"}";
        Translations.Answer a = answer(body);
        assertThat(a.promptTokens()).isEqualTo(20);
        assertThat(a.completionTokens()).isEqualTo(3);
        assertThat(a.body().toString()).isEqualTo(body);
    }

    @Test
    void totalTokensStandInForAMissingPromptCount() throws Exception {
        // vLLM's rerank reports only total_tokens; a null count is as if absent
        assertThat(answer("{\"results\":[],\"usage\":{\"total_tokens\":17}}").promptTokens()).isEqualTo(17);
        assertThat(answer("{\"usage\":{\"prompt_tokens\":null,\"total_tokens\":9}}").promptTokens()).isEqualTo(9);
        assertThat(answer("{\"usage\":{\"prompt_tokens\":\"12\",\"completion_tokens\":2}}").promptTokens()).isEqualTo(12);
    }

    @Test
    void noUsageCountsNothing() throws Exception {
        Translations.Answer a = answer("{\"id\":\"x\",\"usage\":null,\"choices\":[]}");
        assertThat(a.promptTokens()).isZero();
        assertThat(a.completionTokens()).isZero();
        assertThat(answer("[1,2,3]").promptTokens()).isZero();
    }

    @Test
    void anAnswerThatIsNotJsonFailsTheAttempt() {
        assertThatThrownBy(() -> answer("<html>Bad Gateway</html>")).isInstanceOf(Exception.class);
        assertThatThrownBy(() -> answer("{\"id\":\"x\",\"choices\":[")).isInstanceOf(Exception.class);
    }
}
