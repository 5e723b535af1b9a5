package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.sparkd.core.http.JsonCodec;
import java.io.IOException;
import java.util.List;

/**
 * The one reader of Ollama's {@code GET /api/ps} body ({@code {"models":[…]}}, api/types.go
 * {@code ProcessResponse}): the client, the health-agent's probe and the router's live state all
 * read loaded models through it, in a single Jackson pass straight into {@link RunningModel}s.
 */
public final class OllamaPs {

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Body(@JsonProperty("models") List<RunningModel> models) {
    }

    private static final ObjectReader READER = JsonCodec.mapper().readerFor(Body.class);

    private OllamaPs() {
    }

    /**
     * Parses a {@code /api/ps} body; a missing or null {@code models} is an empty list.
     *
     * @throws IOException when the bytes are not JSON or do not have the documented shape
     */
    public static List<RunningModel> parse(byte[] body) throws IOException {
        Body parsed = READER.readValue(body);
        return parsed == null || parsed.models() == null ? List.of() : parsed.models();
    }

    /** Sum of {@code size_vram}: the memory the loaded models hold on the GPU. */
    public static long vramBytes(List<RunningModel> models) {
        long sum = 0;
        for (RunningModel m : models) {
            sum += m.sizeVram();
        }
        return sum;
    }
}
