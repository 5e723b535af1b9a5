package dev.sparkd.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * A typed, validating view of one TOML table. Every accessor records the key as known and reports a located
 * {@link Problem} instead of throwing, so one pass finds every mistake; {@link #finish()} then reports the keys nobody
 * asked for, with a "did you mean" hint.
 */
public final class ConfigTable {
    private static final Pattern SECRET_LIKE = Pattern.compile(".*(password|passwd|secret|token|api_key|apikey|private_key)$");

    private final TomlTable table;
    private final String path;
    private final TomlPosition position;
    private final Problems problems;
    private final Set<String> known = new LinkedHashSet<>();

    public ConfigTable(TomlTable table, String path, TomlPosition position, Problems problems) {
        this.table = table;
        this.path = path;
        this.position = position;
        this.problems = problems;
    }

    /** Dotted key path of this table, e.g. {@code services.vllm-1}. */
    public String path() {
        return path;
    }

    public TomlPosition position() {
        return position;
    }

    public Problems problems() {
        return problems;
    }

    public Set<String> keys() {
        return table.keySet();
    }

    public boolean has(String key) {
        return table.contains(List.of(key));
    }

    /** Position of a key, or of this table when the key is absent. */
    public TomlPosition positionOf(String key) {
        TomlPosition at = key != null && has(key) ? table.inputPositionOf(List.of(key)) : null;
        return at != null ? at : position;
    }

    public String keyPath(String key) {
        String quoted = key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key + "\"";
        return path.isEmpty() ? quoted : path + "." + quoted;
    }

    /** Reports a problem at {@code key} (or at this table when absent). */
    public void error(String key, String message, String hint) {
        problems.add(positionOf(key), key == null ? path : keyPath(key), message, hint);
    }

    /** Marks a key as handled without reading it (e.g. a sibling key read through another accessor). */
    public void accept(String key) {
        known.add(key);
    }

    public Optional<Object> raw(String key) {
        known.add(key);
        return Optional.ofNullable(table.get(List.of(key)));
    }

    /** The value when it is a {@code type} (or absent); otherwise a type error naming {@code expected}, and empty. */
    private <T> Optional<T> typed(String key, Class<T> type, String expected) {
        Optional<Object> value = raw(key);
        if (value.isEmpty() || type.isInstance(value.get())) {
            return value.map(type::cast);
        }
        typeError(key, expected, value.get());
        return Optional.empty();
    }

    public Optional<String> string(String key) {
        return typed(key, String.class, "a string");
    }

    public String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    public Optional<String> requiredString(String key, String hint) {
        if (!has(key)) {
            error(key, "missing required key `" + key + "`", hint);
            known.add(key);
            return Optional.empty();
        }
        return string(key);
    }

    /** A string that must match {@code pattern}; {@code what} says in words what is allowed. */
    public Optional<String> matching(String key, Pattern pattern, String what) {
        Optional<String> value = string(key);
        if (value.isPresent() && !pattern.matcher(value.get()).matches()) {
            error(key, "expected " + what + ", found " + quote(key, value.get()), "");
            return Optional.empty();
        }
        return value;
    }

    /** One of a fixed set of words; unknown words get a "did you mean". */
    public Optional<String> choice(String key, List<String> allowed) {
        Optional<String> value = string(key);
        if (value.isPresent() && !allowed.contains(value.get())) {
            error(key, "expected one of " + String.join(" | ", allowed) + ", found \"" + value.get() + "\"",
                    Suggestions.hint(value.get(), allowed));
            return Optional.empty();
        }
        return value;
    }

    public Optional<Long> integer(String key, long min, long max) {
        Optional<Long> value = typed(key, Long.class, "an integer");
        if (value.isPresent() && (value.get() < min || value.get() > max)) {
            error(key, "expected an integer from " + min + " to " + max + ", found " + value.get(), "");
            return Optional.empty();
        }
        return value;
    }

    public Optional<Double> number(String key, double min, double max) {
        Optional<Object> value = raw(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        double n;
        if (value.get() instanceof Long l) {
            n = l;
        } else if (value.get() instanceof Double d) {
            n = d;
        } else {
            typeError(key, "a number", value.get());
            return Optional.empty();
        }
        if (n < min || n > max) {
            error(key, "expected a number from " + min + " to " + max + ", found " + n, "");
            return Optional.empty();
        }
        return Optional.of(n);
    }

    public Optional<Integer> port(String key) {
        return integer(key, 1, 65535).map(Long::intValue);
    }

    public Optional<Boolean> bool(String key) {
        return typed(key, Boolean.class, "true or false");
    }

    public boolean bool(String key, boolean defaultValue) {
        return bool(key).orElse(defaultValue);
    }

    /** A duration such as {@code "30s"}; must lie within [min, max]. */
    public Optional<Duration> duration(String key, Duration min, Duration max) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<Duration> d = Durations.parse(text.get());
        if (d.isEmpty()) {
            error(key, "expected a duration like \"30s\", \"5m\" or \"1h30m\", found \"" + text.get() + "\"",
                    "units: ms, s, m, h, d");
            return Optional.empty();
        }
        if (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
            error(key, "expected a duration from " + Durations.format(min) + " to " + Durations.format(max) + ", found \""
                    + text.get() + "\"", "");
            return Optional.empty();
        }
        return d;
    }

    /** A byte size such as {@code "50GiB"}. */
    public Optional<Long> size(String key) {
        Optional<Object> value = raw(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.get() instanceof Long n && n >= 0) {
            return Optional.of(n);
        }
        Optional<Long> parsed = value.get() instanceof String s ? ByteSizes.parse(s) : Optional.empty();
        if (parsed.isEmpty()) {
            error(key, "expected a size like \"50GiB\" or \"500MB\", found " + describe(key, value.get()),
                    "units: B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)");
        }
        return parsed;
    }

    /** A local path; a relative one is taken relative to the config file's directory, as users expect of includes. */
    public Optional<Path> path(String key) {
        return string(key).flatMap(p -> {
            if (p.isBlank()) {
                error(key, "expected a path, found an empty string", "");
                return Optional.empty();
            }
            Path path = Path.of(p);
            Path base = problems.file().toAbsolutePath().getParent();
            return Optional.of(path.isAbsolute() || base == null ? path : base.resolve(path).normalize());
        });
    }

    /** A list of strings; a single string is not accepted (it is almost always a mistake in a list-valued key). */
    public List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        for (Element e : elements(key, "a list of strings, e.g. [\"a\", \"b\"]")) {
            if (e.value() instanceof String s) {
                out.add(s);
            } else {
                problems.add(e.position(), e.path(), "expected a string, found " + describe(key, e.value()), "");
            }
        }
        return out;
    }

    /** The elements of an array with their positions: strings and inline tables, for keys that accept both. */
    public List<Element> elements(String key) {
        return elements(key, "a list");
    }

    private List<Element> elements(String key, String expected) {
        TomlArray array = typed(key, TomlArray.class, expected).orElse(null);
        if (array == null) {
            return List.of();
        }
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String itemPath = keyPath(key) + "[" + i + "]";
            Object item = array.get(i);
            ConfigTable itemTable = item instanceof TomlTable t ? new ConfigTable(t, itemPath, array.inputPositionOf(i), problems) : null;
            out.add(new Element(itemPath, array.inputPositionOf(i), item, itemTable));
        }
        return out;
    }

    /** An array element: its value, and a table view when it is an (inline) table. */
    public record Element(String path, TomlPosition position, Object value, ConfigTable table) {
    }

    public Optional<ConfigTable> table(String key) {
        return typed(key, TomlTable.class, "a table").map(t -> new ConfigTable(t, keyPath(key), positionOf(key), problems));
    }

    /** A table whose every entry is a named sub-table, e.g. {@code [services.<name>]}; other entries are problems. */
    public Map<String, ConfigTable> namedTables(String key) {
        return table(key).map(ConfigTable::entriesAsTables).orElse(Map.of());
    }

    /** Every entry of this table as a named sub-table. */
    public Map<String, ConfigTable> entriesAsTables() {
        Map<String, ConfigTable> out = new LinkedHashMap<>();
        for (String name : table.keySet()) {
            known.add(name);
            Object value = table.get(List.of(name));
            if (value instanceof TomlTable t) {
                out.put(name, new ConfigTable(t, keyPath(name), positionOf(name), problems));
            } else {
                typeError(name, "a table ([" + keyPath(name) + "])", value);
            }
        }
        return out;
    }

    /**
     * A secret by reference: {@code <base>_file} (a path, e.g. a systemd credential) or {@code <base>_env} (a variable
     * name). An inline {@code <base>} is refused without echoing its value.
     */
    public Optional<SecretRef> secret(String base, boolean required) {
        String fileKey = base + "_file";
        String envKey = base + "_env";
        if (has(base)) {
            known.add(base);
            error(base, "secrets are not written inline", "put it in a file and set `" + fileKey
                    + "` (works with systemd LoadCredential=), or name an environment variable with `" + envKey + "`");
        }
        Optional<Path> file = path(fileKey);
        Optional<String> env = matching(envKey, Pattern.compile("[A-Za-z_][A-Za-z0-9_]*"), "an environment variable name");
        if (file.isPresent() && env.isPresent()) {
            error(envKey, "both `" + fileKey + "` and `" + envKey + "` are set", "keep one of them");
        }
        if (file.isPresent()) {
            return Optional.of(SecretRef.file(file.get()));
        }
        if (env.isPresent()) {
            return Optional.of(SecretRef.env(env.get()));
        }
        if (required && !has(base)) {
            error(null, "missing `" + fileKey + "` or `" + envKey + "` in [" + path + "]", "name the file or the environment variable that holds the secret");
        }
        return Optional.empty();
    }

    /** Reports every key that no accessor asked for. Call after reading the table. */
    public void finish() {
        for (String key : table.keySet()) {
            if (!known.contains(key)) {
                error(key, "unknown key `" + key + "`", Suggestions.hint(key, known));
            }
        }
    }

    private void typeError(String key, String expected, Object found) {
        error(key, "expected " + expected + ", found " + describe(key, found), "");
    }

    private static String quote(String key, String value) {
        return SECRET_LIKE.matcher(key.toLowerCase(Locale.ROOT)).matches() ? "a value (not shown)" : "\"" + value + "\"";
    }

    /** A value's type, and the value itself unless the key looks like it holds a secret. */
    static String describe(String key, Object value) {
        String type;
        if (value instanceof String) {
            type = "a string";
        } else if (value instanceof Long) {
            type = "an integer";
        } else if (value instanceof Double) {
            type = "a number";
        } else if (value instanceof Boolean) {
            type = "a boolean";
        } else if (value instanceof TomlArray) {
            return "a list";
        } else if (value instanceof TomlTable) {
            return "a table";
        } else if (value instanceof OffsetDateTime || value instanceof LocalDateTime || value instanceof LocalDate
                || value instanceof LocalTime) {
            type = "a date/time";
        } else {
            type = "a value";
        }
        if (key != null && SECRET_LIKE.matcher(key.toLowerCase(Locale.ROOT)).matches()) {
            return type + " (not shown)";
        }
        return type + " (" + (value instanceof String s ? "\"" + s + "\"" : String.valueOf(value)) + ")";
    }
}
