package dev.sparkd.router.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkd.core.auth.SecretHash;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

class KeyCacheTest {
    @TempDir
    Path dir;
    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    static final class Table extends KeyRepository {
        volatile List<ApiKey> keys;

        @Override
        public Uni<List<ApiKey>> all() {
            return keys == null ? Uni.createFrom().failure(new IllegalStateException("Connection refused: 127.0.0.1:5432"))
                    : Uni.createFrom().item(keys);
        }
    }

    @Test
    void aRouterStartedWhileTheDatabaseIsDownAuthenticatesFromTheCacheOfHashes() throws Exception {
        String secret = SecretHash.generate(KeyStore.PREFIX + "ab12cd34-", 24);
        ApiKey key = new ApiKey("ab12cd34", "ci", SecretHash.sha256Hex(secret), Set.of("chat"), 60, 1, 0, false, Instant.now(), null);
        Table up = new Table();
        up.keys = List.of(key);
        KeyStore first = new KeyStore(up, vertx, dir.toString());
        first.startWith(() -> first.reload().await().indefinitely());
        Path cache = dir.resolve(KeyCache.FILE);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!Files.exists(cache) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        String text = Files.readString(cache);
        assertThat(text).contains(key.sha256()).doesNotContain(secret.substring(KeyStore.PREFIX.length() + 9));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rw-------");

        Table down = new Table();
        KeyStore next = new KeyStore(down, vertx, dir.toString());
        next.startWith(() -> next.reload().await().indefinitely());
        assertThat(next.fromDatabase()).isFalse();
        assertThat(next.authenticate(secret)).isEqualTo(key);
        assertThat(next.authenticate(secret + "x")).isNull();
    }
}
