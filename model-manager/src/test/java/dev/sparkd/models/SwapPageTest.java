package dev.sparkd.models;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.edge.AdminToken;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.daemon.testing.HeadlessChromium;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * The one-click swap page in headless Chromium against a simulated Spark: an operator pastes the admin token, clicks
 * Swap, confirms, watches the operation and sees the new model serving; a model that cannot start shows "rolled back"
 * and the previous model serves again. Screenshots land in {@code target/} (copies in {@code docs/}).
 */
@QuarkusTest
@TestProfile(SwapPageTest.Lab.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class SwapPageTest {
    /** Its own boot: the daemon pointed at {@link SimulatedSwapLab} instead of the API tests' closed ports. */
    public static class Lab implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("%test.sparkd.config", "src/test/resources/swap-page-test.toml");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SimulatedSwapLab.class));
        }
    }

    /** Whether the token form takes space on the page (not just whether its hidden attribute is set). */
    static final String TOKEN_FORM_SHOWN = "document.getElementById('token-form').getClientRects().length > 0";

    @TestHTTPResource("/")
    URL page;

    @Inject
    SuiteConfig config;

    @Test
    void aSwapIsOneClickAndAFailingModelShowsRolledBack() {
        try (HeadlessChromium browser = HeadlessChromium.start(Path.of("target/chromium-swap-page"), 1100, 900)) {
            browser.open(page.toString());
            browser.waitUntil("document.querySelector('[data-service=\"vllm-1\"] button[data-key=\"qwen-8k\"]')", Duration.ofSeconds(20));
            // Without a token the page asks for one instead of sending a request that would be refused.
            assertThat(browser.eval(TOKEN_FORM_SHOWN).asBoolean()).isTrue();
            browser.eval("document.getElementById('token').value = " + jsString(AdminToken.read(config))
                    + "; document.querySelector('#token-form button').click()");
            assertThat(browser.eval(TOKEN_FORM_SHOWN).asBoolean()).as("the form goes once the token is given").isFalse();
            // The daemon observes what serves at its first reconcile; the page marks it and disables its button.
            browser.waitUntil("document.querySelector('tr[data-choice=\"qwen\"] .badge.succeeded')", Duration.ofSeconds(30));

            clickSwapAndConfirm(browser, "qwen-8k");
            browser.waitUntil("document.querySelector('[data-service=\"vllm-1\"] .progress')", Duration.ofSeconds(10));
            browser.waitUntil("document.querySelector('[data-service=\"vllm-1\"] .progress[data-state=\"succeeded\"]')", Duration.ofSeconds(60));
            assertThat(browser.eval("document.querySelector('[data-service=\"vllm-1\"] .verdict').textContent").asText())
                    .isEqualTo("vllm-1 serves qwen-8k");
            browser.waitUntil("document.querySelector('tr[data-choice=\"qwen-8k\"] .badge.succeeded')", Duration.ofSeconds(10));
            assertThat(served()).contains("--max-model-len=8192");
            assertThat(given().get("/api/v1/services").then().extract().jsonPath().getString("find { it.service == 'vllm-1' }.desired"))
                    .as(() -> "the choice is kept, so no reconcile swaps back; " + whatHappened()).isEqualTo("qwen-8k");
            browser.screenshot(Path.of("target/swap-page-done.png"));

            clickSwapAndConfirm(browser, "qwen-greedy");
            browser.waitUntil("document.querySelector('[data-service=\"vllm-1\"] .progress[data-state=\"rolled_back\"]')", Duration.ofSeconds(90));
            String verdict = browser.eval("document.querySelector('[data-service=\"vllm-1\"] .verdict').textContent").asText();
            assertThat(verdict).contains("qwen-greedy failed the health gate").contains("qwen-8k is serving again");
            assertThat(browser.eval("document.querySelector('[data-service=\"vllm-1\"] .events').textContent").asText())
                    .as("the operation's steps are shown as they happen").contains("qwen-greedy").contains("qwen-8k");
            browser.waitUntil("document.querySelector('tr[data-choice=\"qwen-8k\"] .badge.succeeded')", Duration.ofSeconds(10));
            assertThat(served()).as("the previous model serves again").contains("--max-model-len=8192");
            assertThat(given().get("/api/v1/services").then().extract().jsonPath().getString("find { it.service == 'vllm-1' }.desired"))
                    .as(() -> "a rolled-back swap leaves the choice as it was; " + whatHappened()).isEqualTo("qwen-8k");
            browser.screenshot(Path.of("target/swap-page-rolled-back.png"));
        }
    }

    @Test
    void aWrongTokenIsRefusedAndThePageSaysWhereTheTokenIs() {
        try (HeadlessChromium browser = HeadlessChromium.start(Path.of("target/chromium-swap-page-token"), 1100, 900)) {
            browser.open(page.toString());
            browser.waitUntil("document.querySelector('button[data-key=\"qwen-greedy\"]')", Duration.ofSeconds(20));
            int operations = given().get("/api/v1/operations").then().statusCode(200).extract().jsonPath().getList("id").size();
            browser.eval("sessionStorage.setItem('sparkd-admin-token', 'not-the-token')");
            browser.open(page.toString());
            browser.waitUntil("document.querySelector('button[data-key=\"qwen-greedy\"]')", Duration.ofSeconds(20));
            assertThat(browser.eval(TOKEN_FORM_SHOWN).asBoolean()).as("a token is set").isFalse();
            clickSwapAndConfirm(browser, "qwen-greedy");
            browser.waitUntil(TOKEN_FORM_SHOWN, Duration.ofSeconds(10));
            assertThat(browser.eval("document.getElementById('token-hint').textContent").asText())
                    .startsWith("That token was refused.").contains("admin-token");
            assertThat(browser.eval("sessionStorage.getItem('sparkd-admin-token')").isNull()).as("the wrong token is forgotten").isTrue();
            assertThat(given().get("/api/v1/operations").then().extract().jsonPath().getList("id")).as("nothing started").hasSize(operations);
        }
    }

    /** What a user does: click the model's Swap button, then Swap in the confirmation dialog. */
    private static void clickSwapAndConfirm(HeadlessChromium browser, String key) {
        browser.waitUntil("(b => b && !b.disabled)(document.querySelector('[data-service=\"vllm-1\"] button[data-key=\"" + key + "\"]'))",
                Duration.ofSeconds(30));
        browser.eval("document.querySelector('[data-service=\"vllm-1\"] button[data-key=\"" + key + "\"]').click()");
        browser.waitUntil("document.getElementById('confirm').open", Duration.ofSeconds(5));
        assertThat(browser.eval("document.getElementById('confirm-text').textContent").asText()).contains("Swap vllm-1 to " + key);
        browser.eval("document.getElementById('confirm-swap').click()");
    }

    /** The arguments of the container now running on the simulated Spark. */
    private static String served() {
        List<String> runs = SimulatedSwapLab.sim().spark("spark-1").ssh().commandLog().commands().stream()
                .filter(c -> c.contains("docker run")).toList();
        return runs.isEmpty() ? "" : runs.get(runs.size() - 1);
    }

    /** For a failure message: the daemon's operations and every command the simulated Spark ran (this failed once in CI). */
    private static String whatHappened() {
        return "operations: " + given().get("/api/v1/operations").asString() + "; commands on spark-1: "
                + SimulatedSwapLab.sim().spark("spark-1").ssh().commandLog().commands();
    }

    private static String jsString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
