package dev.sparkd.core.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelNameTest {

    // Expected forms follow ollama/ollama types/model/name.go (ParseName + DisplayShortest), which is
    // how /api/tags names installed models.
    @ParameterizedTest
    @CsvSource({
            "llama3.2, llama3.2:latest",
            "llama3.2:3b, llama3.2:3b",
            "library/llama3.2, llama3.2:latest",
            "registry.ollama.ai/library/llama3.2:1b, llama3.2:1b",
            "mattw/pygmalion, mattw/pygmalion:latest",
            "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M, hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M",
            "hf.co/org/repo, hf.co/org/repo:latest",
            "localhost:5000/team/model:v1, localhost:5000/team/model:v1",
            "https://registry.ollama.ai/library/qwen2.5-coder:7b, qwen2.5-coder:7b",
            "llama3.2@sha256:a80c4f17, llama3.2:latest@sha256:a80c4f17",
            "  gemma3:27b  , gemma3:27b",
    })
    void normalizesToTheTagsForm(String input, String expected) {
        assertThat(ModelName.normalize(input)).isEqualTo(expected);
    }

    @Test
    void partsAreSplitWithDefaults() {
        ModelName name = ModelName.parse("hf.co/org/repo:Q4_K_M");

        assertThat(name.host()).isEqualTo("hf.co");
        assertThat(name.namespace()).isEqualTo("org");
        assertThat(name.model()).isEqualTo("repo");
        assertThat(name.tag()).isEqualTo("Q4_K_M");
        assertThat(name.digest()).isNull();
        assertThat(ModelName.parse("x").host()).isEqualTo(ModelName.DEFAULT_HOST);
    }

    @Test
    void sameModelIgnoresCaseDefaultsAndDigest() {
        assertThat(ModelName.sameModel("Llama3.2", "library/llama3.2:latest")).isTrue();
        assertThat(ModelName.sameModel("llama3.2@sha256:abc", "llama3.2")).isTrue();
        assertThat(ModelName.sameModel("gemma3", "gemma3:27b")).isFalse();
        assertThat(ModelName.sameModel("a/gemma3", "gemma3")).isFalse();
    }

    @Test
    void malformedNamesAreRejected() {
        assertThatThrownBy(() -> ModelName.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelName.parse("x:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelName.parse("a//b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelName.parse("a/b/c/d")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelName.parse("x@")).isInstanceOf(IllegalArgumentException.class);
    }
}
