package dev.sparkd.router.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import com.fasterxml.jackson.databind.type.TypeFactory;

import dev.sparkd.core.queue.Codec;
import io.quarkus.logging.Log;

/**
 * The API keys as last loaded from the database, in {@code <state_dir>/api-keys.cache} (mode 0600), so the router can
 * authenticate callers when it starts while PostgreSQL is down. It holds what the database holds: ids, names, limits
 * and each key's SHA-256 — never a key. Replaced atomically after every load.
 */
final class KeyCache {
    static final String FILE = "api-keys.cache";

    private final Path file;
    private final Codec<List<ApiKey>> codec = Codec.json(TypeFactory.defaultInstance().constructCollectionType(List.class, ApiKey.class));
    private long written = -1;

    KeyCache(Path stateDir) {
        this.file = stateDir.resolve(FILE);
    }

    Path path() {
        return file;
    }

    /** Writes {@code keys} unless a later load ({@code load} counts loads) was written already. */
    synchronized void write(long load, List<ApiKey> keys) {
        if (load <= written) {
            return;
        }
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, codec.encode(keys));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            written = load;
        } catch (IOException | UnsupportedOperationException e) {
            Log.warnf("api keys: cannot write the cache %s (%s); a start without the database would know no keys", file, e.getMessage());
        }
    }

    /** The cached keys; empty when there is no cache or it cannot be read. */
    List<ApiKey> read() {
        try {
            return Files.exists(file) ? codec.decode(Files.readString(file)) : List.of();
        } catch (IOException | RuntimeException e) {
            Log.warnf("api keys: cannot read the cache %s (%s)", file, e.getMessage());
            return List.of();
        }
    }
}
