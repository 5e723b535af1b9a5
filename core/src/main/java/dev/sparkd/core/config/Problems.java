package dev.sparkd.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.tomlj.TomlPosition;

/** Collects problems while a file is read, so the user sees all of them at once. */
public final class Problems {
    private final Path file;
    private final List<Problem> list = new ArrayList<>();

    public Problems(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public void add(TomlPosition at, String keyPath, String message, String hint) {
        int line = at == null ? 0 : at.line();
        int column = at == null ? 0 : at.column();
        list.add(new Problem(file, line, column, keyPath, message, hint == null ? "" : hint));
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    /** Problems in file order (line, then column). */
    public List<Problem> sorted() {
        return list.stream().sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column)).toList();
    }

    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw new ConfigException(sorted());
        }
    }
}
