package dev.sparkd.core.config;

/**
 * A daemon's own section of the file ({@code [health]}, {@code [models]}, {@code [router]}, {@code [mcp]}). Each daemon
 * registers its schema in {@code META-INF/services/dev.sparkd.core.config.SectionSchema}, so the shared loader
 * validates it without knowing its keys, and no daemon's schema touches another's.
 *
 * @param <T> the immutable settings the section reads into
 */
public abstract class SectionSchema<T extends DaemonSettings> {
    private final String section;
    private final Class<T> type;

    /**
     * @param section the top-level key, e.g. {@code "health"}
     * @param type    the settings type, to look them up with {@link SuiteConfig#section(Class)}
     */
    protected SectionSchema(String section, Class<T> type) {
        this.section = section;
        this.type = type;
    }

    /** The top-level key, e.g. {@code "health"}. */
    public final String section() {
        return section;
    }

    /** The settings type, to look them up with {@link SuiteConfig#section(Class)}. */
    public final Class<T> type() {
        return type;
    }

    /**
     * Reads the section; called with an empty table when the section is absent, so defaults apply. Report problems
     * through {@code table}; call {@code finish()} on every table read.
     */
    public abstract T read(ConfigTable table, SuiteConfig core);
}
