package dev.sparkd.core.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OllamaPsTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsLoadedModelsAndTheirGpuMemory() throws IOException {
        List<RunningModel> models = OllamaPs.parse(bytes("""
                {"models":[{"name":"llama3:8b","model":"llama3:8b","size":6000,"size_vram":5000,"digest":"d",
                  "expires_at":"2026-06-04T14:38:31.83753-07:00","future_field":1},
                 {"name":"qwen3:4b","model":"qwen3:4b","size":3000,"size_vram":3000}]}"""));
        assertThat(models).extracting(RunningModel::name).containsExactly("llama3:8b", "qwen3:4b");
        assertThat(models.get(0).partlyOnCpu()).isTrue();
        assertThat(OllamaPs.vramBytes(models)).isEqualTo(8000);
    }

    @Test
    void noModelsIsAnEmptyList() throws IOException {
        assertThat(OllamaPs.parse(bytes("{\"models\":[]}"))).isEmpty();
        assertThat(OllamaPs.parse(bytes("{\"models\":null}"))).isEmpty();
        assertThat(OllamaPs.parse(bytes("{}"))).isEmpty();
    }

    @Test
    void garbageIsAnError() {
        assertThatThrownBy(() -> OllamaPs.parse(bytes("<html>proxy error</html>"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> OllamaPs.parse(bytes("{\"models\":\"many\"}"))).isInstanceOf(IOException.class);
    }
}
