package dev.sparkd.mcp.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ToolNamesTest {
    @Test
    void namesAreValidDeterministicAndRenamesAreReported() {
        Map<String, List<String>> tools = new LinkedHashMap<>();
        tools.put("zeta", List.of("read.file", "x".repeat(80)));
        tools.put("a", List.of("b__c"));
        tools.put("a__b", List.of("c"));
        List<ToolNames.Mapping> first = ToolNames.map(tools);
        Map<String, List<String>> reordered = new LinkedHashMap<>();
        reordered.put("a__b", List.of("c"));
        reordered.put("zeta", List.of("x".repeat(80), "read.file"));
        reordered.put("a", List.of("b__c"));
        assertThat(ToolNames.map(reordered)).isEqualTo(first);
        assertThat(first).extracting(ToolNames.Mapping::exposed).allMatch(n -> ToolNames.VALID.matcher(n).matches()).doesNotHaveDuplicates();
        assertThat(first).filteredOn(m -> m.tool().equals("read.file")).singleElement()
                .satisfies(m -> assertThat(m.exposed()).isEqualTo("zeta__read_file")).satisfies(m -> assertThat(m.renamed()).contains("replaced"));
        assertThat(first).filteredOn(m -> m.server().equals("a__b")).singleElement()
                .satisfies(m -> assertThat(m.renamed()).contains("collides"));
        assertThat(first).filteredOn(m -> m.tool().length() == 80).singleElement()
                .satisfies(m -> assertThat(m.exposed()).hasSize(64)).satisfies(m -> assertThat(m.renamed()).contains("64"));
    }
}
