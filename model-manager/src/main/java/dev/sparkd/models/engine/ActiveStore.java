package dev.sparkd.models.engine;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vLLM model chosen at run time through the API. It stands until the file's {@code active} changes: a choice is
 * stored together with the {@code active} value the file had when it was made.
 */
public interface ActiveStore {
    Optional<String> chosen(String service, String fileActive);

    void save(String service, String key, String fileActive);

    /** In memory (command-line modes, tests). */
    final class InMemory implements ActiveStore {
        private final Map<String, String[]> rows = new ConcurrentHashMap<>();

        @Override
        public Optional<String> chosen(String service, String fileActive) {
            String[] r = rows.get(service);
            return r != null && r[1].equals(fileActive) ? Optional.of(r[0]) : Optional.empty();
        }

        @Override
        public void save(String service, String key, String fileActive) {
            rows.put(service, new String[] {key, fileActive});
        }
    }
}
