package dev.sparkd.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.sparkd.health.testing.SimulatedLab;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@code docs/metrics.md} (## health-agent) lists exactly what the live {@code /q/metrics} exports. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatedLab.class)
class MetricsDocTest {
    static final Pattern ROW = Pattern.compile("^\\| `(sparkd_[a-z0-9_]+)` \\| \\w+ \\| [^|]+ \\| ([^|]+) \\|", Pattern.MULTILINE);
    static final Pattern EXPORTED = Pattern.compile("^(sparkd_health_[a-z0-9_]+?)(_total|_created|_count|_sum|_bucket)?\\{", Pattern.MULTILINE);

    @Test
    void documentedMetricsMatchTheLiveEndpoint() throws Exception {
        String doc = Files.readString(Path.of("../docs/metrics.md"));
        String section = doc.substring(doc.indexOf("## health-agent"));
        int next = section.indexOf("\n## ", 3);
        section = next > 0 ? section.substring(0, next) : section;
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            documented.put(m.group(1), m.group(2).strip());
        }
        assertThat(documented).hasSizeGreaterThan(20);

        // Wait until probes, a handshake and a telemetry round have all happened.
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        Set<String> exported = new TreeSet<>();
        Set<String> missing = new TreeSet<>();
        while (System.nanoTime() < deadline) {
            String text = given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
            exported.clear();
            Matcher e = EXPORTED.matcher(text);
            while (e.find()) {
                exported.add(e.group(1) + (e.group(2) != null && e.group(2).equals("_total") ? "_total" : ""));
            }
            missing.clear();
            documented.forEach((name, when) -> {
                if (when.equals("always") && !exported.contains(name)) {
                    missing.add(name);
                }
            });
            if (missing.isEmpty()) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(missing).as("documented as always exported, but absent from /q/metrics").isEmpty();
        assertThat(exported).as("exported but not in docs/metrics.md").allMatch(documented::containsKey);
    }
}
