package dev.sparkd.mcp.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.modelcontextprotocol.spec.McpSchema;

class FeaturesTest {
    final List<String> log = new ArrayList<>();
    final Features features = new Features(new Features.Registry() {
        public void register(Features.PromptEntry e) {
            log.add("+prompt " + e.exposed());
        }

        public void removePrompt(String exposed) {
            log.add("-prompt " + exposed);
        }

        public void register(Features.ResourceEntry e) {
            log.add("+resource " + e.uri() + " " + e.server());
        }

        public void removeResource(String uri) {
            log.add("-resource " + uri);
        }

        public void register(Features.TemplateEntry e) {
            log.add("+template " + e.exposed());
        }

        public void removeTemplate(String exposed) {
            log.add("-template " + exposed);
        }
    });

    static McpSchema.Resource resource(String uri) {
        return McpSchema.Resource.builder().uri(uri).name(uri).build();
    }

    @Test
    void aUriBelongsToTheFirstServerInNameOrderWhateverTheArrivalOrder() {
        features.resourcesChanged("b", List.of(resource("x://1")), List.of());
        assertThat(features.resource("x://1").orElseThrow().server()).isEqualTo("b");
        features.resourcesChanged("a", List.of(resource("x://1"), resource("x://2")), List.of());
        assertThat(features.resource("x://1").orElseThrow().server()).isEqualTo("a");
        assertThat(features.resource("x://2").orElseThrow().server()).isEqualTo("a");
        // the owner goes away: the next one takes over, the rest is gone
        features.resourcesChanged("a", List.of(), List.of());
        assertThat(features.resource("x://1").orElseThrow().server()).isEqualTo("b");
        assertThat(features.resource("x://2")).isEmpty();
        assertThat(log).containsExactly("+resource x://1 b", "-resource x://1", "+resource x://1 a", "+resource x://2 a",
                "-resource x://1", "-resource x://2", "+resource x://1 b");
    }

    @Test
    void promptsAreNamespacedAndOnlyChangesAreApplied() {
        McpSchema.Prompt p = new McpSchema.Prompt("hello", "says hello", List.of());
        features.promptsChanged("s", List.of(p));
        features.promptsChanged("s", List.of(p));
        assertThat(features.prompt("s__hello").orElseThrow().prompt().name()).isEqualTo("hello");
        assertThat(log).containsExactly("+prompt s__hello");
    }
}
