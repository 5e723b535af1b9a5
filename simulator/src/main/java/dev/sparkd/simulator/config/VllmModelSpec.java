package dev.sparkd.simulator.config;

import dev.sparkd.simulator.generation.Pace;
import java.time.Duration;

/**
 * A model a simulated vLLM can serve (the host's Hugging Face cache, in effect).
 *
 * @param id          the Hugging Face id, e.g. {@code Qwen/Qwen2.5-7B-Instruct}
 * @param loadDelay   weights + profiling + CUDA graphs: the port stays closed this long after start
 * @param maxModelLen default {@code --max-model-len}
 * @param pace        generation speed
 * @param reasoning   a reasoning model (Qwen3, gpt-oss): thinks before answering, out of the same {@code max_tokens}
 * @param embedding   a pooling model: {@code /v1/embeddings} works; on a generative model it answers 400
 * @param size        bytes of its weights on the Hub (what a download moves into the Hugging Face cache)
 * @param gated       the Hub refuses its files without a token (huggingface_hub's {@code GatedRepoError})
 */
public record VllmModelSpec(String id, Duration loadDelay, int maxModelLen, Pace pace, boolean reasoning, boolean embedding,
                            long size, boolean gated) {

    /** The size a model gets when its config does not say: an 8B model in bf16. */
    public static final long DEFAULT_SIZE = 16_000_000_000L;

    public VllmModelSpec(String id, Duration loadDelay, int maxModelLen, Pace pace, boolean reasoning, boolean embedding) {
        this(id, loadDelay, maxModelLen, pace, reasoning, embedding, DEFAULT_SIZE, false);
    }

    /** A generative model without reasoning. */
    public VllmModelSpec(String id, Duration loadDelay, int maxModelLen, Pace pace) {
        this(id, loadDelay, maxModelLen, pace, false, false, DEFAULT_SIZE, false);
    }

    /**
     * A speech-recognition model (Whisper and its kin): vLLM serves {@code /v1/audio/transcriptions} for it, and only
     * for it (the API server registers the routes of the tasks the model supports).
     */
    public boolean transcription() {
        return id.toLowerCase(java.util.Locale.ROOT).contains("whisper");
    }

    /** A cross-encoder reranker (bge-reranker, Qwen3-Reranker, …): vLLM serves {@code /rerank} and {@code /score} for it. */
    public boolean scoring() {
        return id.toLowerCase(java.util.Locale.ROOT).contains("rerank");
    }

    /** gpt-oss cannot turn reasoning off; {@code reasoning_effort} only shortens it. Qwen3 takes {@code enable_thinking}. */
    public boolean reasoningAlwaysOn() {
        return reasoning && id.contains("gpt-oss");
    }
}
