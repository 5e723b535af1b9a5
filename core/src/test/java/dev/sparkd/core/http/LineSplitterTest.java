package dev.sparkd.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

    private static final String TEXT = "{\"status\":\"pulling manifest\"}\r\n\n{\"status\":\"naïve ✓ 🦙\"}\n{\"status\":\"success\"}";

    @Test
    void everySplitPointGivesTheSameLines() {
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        List<String> expected = List.of("{\"status\":\"pulling manifest\"}", "{\"status\":\"naïve ✓ 🦙\"}", "{\"status\":\"success\"}");
        Splits.everyThreeWay(bytes, (chunks, cut) -> {
            LineSplitter splitter = new LineSplitter();
            List<String> lines = new ArrayList<>();
            chunks.forEach(chunk -> lines.addAll(splitter.feed(chunk)));
            lines.addAll(splitter.finish());
            assertThat(lines).as(cut).isEqualTo(expected);
        });
    }

    @Test
    void linesAreReleasedAsSoonAsTheyComplete() {
        LineSplitter splitter = new LineSplitter();

        assertThat(splitter.feed("{\"a\":1}\n{\"b\"".getBytes(StandardCharsets.UTF_8))).containsExactly("{\"a\":1}");
        assertThat(splitter.feed(":2}\n".getBytes(StandardCharsets.UTF_8))).containsExactly("{\"b\":2}");
        assertThat(splitter.finish()).isEmpty();
    }

    @Test
    void overlongLineFails() {
        LineSplitter splitter = new LineSplitter(8);

        assertThatThrownBy(() -> splitter.feed("0123456789".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class);
    }
}
