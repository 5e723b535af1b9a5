package dev.sparkd.models.engine;

import java.util.Locale;

import dev.sparkd.core.ollama.ModelName;

/** Exact-name rules: compare normal forms ({@code llama3.2} = {@code llama3.2:latest}), never substrings. */
public final class Names {
    /** Suffix of the tag an update copies the current version to before pulling. */
    public static final String ROLLBACK_SUFFIX = "-sparkd-rollback";

    private Names() {
    }

    public static String key(String name) {
        return ModelName.normalize(name).toLowerCase(Locale.ROOT);
    }

    public static String rollbackTag(String name) {
        ModelName n = ModelName.parse(name);
        return new ModelName(n.host(), n.namespace(), n.model(), n.tag() + ROLLBACK_SUFFIX, null).toString();
    }

    public static boolean isRollbackTag(String name) {
        return ModelName.parse(name).tag().endsWith(ROLLBACK_SUFFIX);
    }
}
