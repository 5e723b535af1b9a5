package dev.sparkd.core.ollama;

import java.util.Locale;
import java.util.Objects;

/**
 * An Ollama model reference split into its parts, following ollama/ollama
 * {@code types/model/name.go}: {@code [host/][namespace/]model[:tag][@digest]}, defaults
 * {@code registry.ollama.ai}, {@code library}, {@code latest}. Normalising gives the form
 * {@code /api/tags} reports ({@code DisplayShortest}): {@code llama3.2} becomes
 * {@code llama3.2:latest}, {@code library/x} becomes {@code x:latest}, while
 * {@code hf.co/org/repo:Q4_K_M} stays as it is. Declared and installed names are compared in their
 * normal form, ignoring case as Ollama does.
 *
 * @param host registry host, possibly with port
 * @param namespace namespace (user or organisation)
 * @param model model name
 * @param tag tag
 * @param digest content digest after {@code @}, or {@code null}
 */
public record ModelName(String host, String namespace, String model, String tag, String digest) {

    /** Ollama's default registry host. */
    public static final String DEFAULT_HOST = "registry.ollama.ai";
    /** Namespace of the official library. */
    public static final String DEFAULT_NAMESPACE = "library";
    /** Tag used when none is given. */
    public static final String DEFAULT_TAG = "latest";

    /** Checks that the required parts are present. */
    public ModelName {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(tag, "tag");
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model name has no model part");
        }
    }

    /** Parses a reference, filling in default host, namespace and tag. */
    public static ModelName parse(String reference) {
        Objects.requireNonNull(reference, "reference");
        String s = reference.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty model name");
        }
        String digest = null;
        int at = s.indexOf('@');
        if (at >= 0) {
            digest = s.substring(at + 1);
            s = s.substring(0, at);
            if (digest.isEmpty()) {
                throw new IllegalArgumentException("empty digest in model name: " + reference);
            }
        }
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        String tag = DEFAULT_TAG;
        int colon = s.lastIndexOf(':');
        if (colon > s.lastIndexOf('/')) {
            tag = s.substring(colon + 1);
            s = s.substring(0, colon);
            if (tag.isEmpty()) {
                throw new IllegalArgumentException("empty tag in model name: " + reference);
            }
        }
        String[] parts = s.split("/", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("empty path segment in model name: " + reference);
            }
        }
        return switch (parts.length) {
            case 1 -> new ModelName(DEFAULT_HOST, DEFAULT_NAMESPACE, parts[0], tag, digest);
            case 2 -> new ModelName(DEFAULT_HOST, parts[0], parts[1], tag, digest);
            case 3 -> new ModelName(parts[0], parts[1], parts[2], tag, digest);
            default -> throw new IllegalArgumentException("too many path segments in model name: " + reference);
        };
    }

    /** The normal form of a reference, as {@code /api/tags} names it (plus {@code @digest} if given). */
    public static String normalize(String reference) {
        return parse(reference).toString();
    }

    /** Whether two references name the same model and tag (case-insensitive, digest ignored). */
    public static boolean sameModel(String a, String b) {
        return parse(a).withoutDigest().toString().toLowerCase(Locale.ROOT)
                .equals(parse(b).withoutDigest().toString().toLowerCase(Locale.ROOT));
    }

    /** The same reference without a digest. */
    public ModelName withoutDigest() {
        return new ModelName(host, namespace, model, tag, null);
    }

    /** The shortest unambiguous form: default host and namespace omitted, tag always present. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (!host.equalsIgnoreCase(DEFAULT_HOST)) {
            sb.append(host).append('/').append(namespace).append('/');
        } else if (!namespace.equalsIgnoreCase(DEFAULT_NAMESPACE)) {
            sb.append(namespace).append('/');
        }
        sb.append(model).append(':').append(tag);
        if (digest != null) {
            sb.append('@').append(digest);
        }
        return sb.toString();
    }
}
