package dev.sparkd.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Gatus' condition language, with the resolved form shown on failure. */
class ConditionsTest {
    static final Conditions.Context CTX = new Conditions.Context(true, 200,
            "{\"status\":\"ok\",\"data\":[{\"name\":\"llama3.2:3b\"},{\"name\":\"qwen\"}],\"errors\":null}", Duration.ofMillis(120),
            Duration.ofDays(10));

    static boolean ok(String c) {
        return Conditions.evaluate(c, CTX).success();
    }

    @Test
    void placeholdersOperatorsAndFunctions() {
        assertThat(ok("[STATUS] == 200")).isTrue();
        assertThat(ok("[STATUS] == any(200, 204)")).isTrue();
        assertThat(ok("[STATUS] != any(500, 503)")).isTrue();
        assertThat(ok("[STATUS] < 300")).isTrue();
        assertThat(ok("[RESPONSE_TIME] < 300")).isTrue();
        assertThat(ok("[RESPONSE_TIME] > 1s")).isFalse();
        assertThat(ok("[BODY].status == ok")).isTrue();
        assertThat(ok("[BODY].data[0].name == pat(llama*)")).isTrue();
        assertThat(ok("[BODY].data[1].name == pat(llama*)")).isFalse();
        assertThat(ok("len([BODY].data) == 2")).isTrue();
        assertThat(ok("has([BODY].errors) == true")).isTrue();
        assertThat(ok("has([BODY].missing) == false")).isTrue();
        assertThat(ok("[CERTIFICATE_EXPIRATION] > 48h")).isTrue();
        assertThat(ok("[CERTIFICATE_EXPIRATION] > 720h")).isFalse();
        assertThat(ok("[CONNECTED] == true")).isTrue();
        assertThat(ok("[BODY] == pat(*\"status\":\"ok\"*)")).isTrue();
    }

    @Test
    void failuresShowResolvedValues() {
        assertThat(Conditions.evaluate("[STATUS] == 503", CTX).resolved()).isEqualTo("[STATUS] (200) == 503");
        assertThat(Conditions.evaluate("[BODY].nope == x", CTX).resolved()).isEqualTo("[BODY].nope ((missing)) == x");
        Conditions.Context garbage = new Conditions.Context(true, 200, "<html>", Duration.ZERO, null);
        assertThat(Conditions.evaluate("[BODY].status == ok", garbage).success()).isFalse();
    }

    @Test
    void syntaxProblemsAreReported() {
        assertThat(Conditions.check("[STATUS] == 200")).isNull();
        assertThat(Conditions.check("[STATUS]==200")).contains("no operator");
        assertThat(Conditions.check("[STATUS] < any(200, 201)")).contains("only works with == and !=");
        assertThat(Conditions.check("[STAUTS] == 200")).contains("unknown placeholder");
    }
}
