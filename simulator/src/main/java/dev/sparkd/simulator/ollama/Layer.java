package dev.sparkd.simulator.ollama;

/** One blob of a model manifest: the weights, template, license, params, or the config. */
public record Layer(String mediaType, String digest, long size) {
    /** The 12 hex characters Ollama shows in {@code pulling dde5aa3fc5ff} (server/download.go: {@code Digest[7:19]}). */
    public String shortDigest() {
        return digest.substring(7, 19);
    }
}
