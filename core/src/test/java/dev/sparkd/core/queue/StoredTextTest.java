package dev.sparkd.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StoredTextTest {
    @Test
    void nulAndControlCharactersBecomeReplacementCharactersButLayoutStays() {
        assertThat(StoredText.clean("bad\0field\u001b[31m\tline\nnext\u0085")).isEqualTo("bad\uFFFDfield\uFFFD[31m\tline\nnext\uFFFD");
    }

    @Test
    void cleanTextIsReturnedAsItIs() {
        String text = "upstream 503: überlastet";
        assertThat(StoredText.clean(text)).isSameAs(text);
        assertThat(StoredText.clean(null)).isNull();
    }

    @Test
    void longTextIsCutWithAnEllipsisNeverInsideASurrogatePair() {
        assertThat(StoredText.clean("x".repeat(5000))).hasSize(StoredText.DEFAULT_MAX + 1).endsWith("x…");
        assertThat(StoredText.clean("ab\uD83D\uDE00cd", 3)).isEqualTo("ab…");
    }
}
