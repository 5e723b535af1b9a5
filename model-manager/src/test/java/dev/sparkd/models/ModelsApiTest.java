package dev.sparkd.models;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.edge.AdminToken;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;

/** The HTTP API of the daemon (the same boot as ModelManagerDaemonTest). */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class ModelsApiTest {
    @Inject
    SuiteConfig config;

    /** The admin routes (plan, reconcile, swap) answer with the admin token, as the CLIs send it. */
    RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + AdminToken.read(config));
    }

    @Test
    void swapToANameOutsideTheCatalogIs400() {
        for (String bad : List.of("x; rm -rf /", "$(reboot)", "nope")) {
            admin().contentType("application/json").body("{\"model\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(bad) + "}")
                    .post("/api/v1/services/vllm-1/swap").then().statusCode(400)
                    .body("error.type", equalTo("invalid_request")).body("error.message", containsString("is not in the catalog of vllm-1"));
        }
        admin().contentType("application/json").body("{\"model\":\"qwen7b\"}").post("/api/v1/services/ollama-1/swap")
                .then().statusCode(400);
    }

    @Test
    void planReportsUnreadableServicesAndUnknownOperationsAre404() {
        admin().get("/api/v1/plan").then().statusCode(200)
                .body("services.find { it.service == 'ollama-1' }.error", containsString("cannot read installed models"))
                .body("services.find { it.service == 'vllm-1' }.items[0].action", equalTo("swap"));
        given().get("/api/v1/operations/00000000-0000-0000-0000-000000000000").then().statusCode(404);
    }

    @Test
    void everyModelManagerMetricIsDocumented() throws Exception {
        admin().get("/api/v1/plan").then().statusCode(200);
        String metrics = given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        String doc = Files.readString(Path.of("../docs/metrics.md"));
        String section = doc.substring(doc.indexOf("## model-manager"));
        int next = section.indexOf("\n## ", 5);
        section = next < 0 ? section : section.substring(0, next);
        Matcher m = Pattern.compile("^(sparkd_models_[a-z_]+)", Pattern.MULTILINE).matcher(metrics);
        java.util.Set<String> live = new java.util.TreeSet<>();
        while (m.find()) {
            live.add(m.group(1).replaceAll("_(count|sum|bucket)$", ""));
        }
        assertThat(live).contains("sparkd_models_drift", "sparkd_models_vllm_active");
        for (String name : live) {
            assertThat(section).as("docs/metrics.md lists " + name).contains("`" + name + "`");
        }
    }
}
