package dev.sparkd.core.config;

import java.nio.file.Path;

/**
 * One thing wrong in a config file, located and explained so the user can fix it without reading code.
 *
 * @param file     the file the problem is in
 * @param line     1-based line, 0 when unknown
 * @param column   1-based column, 0 when unknown
 * @param keyPath  dotted key path, e.g. {@code services.vllm-1.port}; empty for file-level problems
 * @param message  what is wrong, e.g. "expected a port number (1-65535), found 70000"
 * @param hint     how to fix it; may be empty
 */
public record Problem(Path file, int line, int column, String keyPath, String message, String hint) {

    /** {@code file:line:column: key.path: message — hint}, the format editors and CI logs link. */
    public String format() {
        StringBuilder out = new StringBuilder().append(file).append(':').append(line).append(':').append(column).append(": ");
        if (!keyPath.isEmpty()) {
            out.append(keyPath).append(": ");
        }
        out.append(message);
        if (!hint.isEmpty()) {
            out.append(" — ").append(hint);
        }
        return out.toString();
    }
}
