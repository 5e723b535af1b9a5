package dev.sparkd.daemon.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {
    @TempDir
    Path dir;

    @Test
    void daemonsStartingTogetherAgreeOnOnePrivateToken() throws Exception {
        Path file = dir.resolve("state/admin-token");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<String>> tokens = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tokens.add(pool.submit(() -> {
                    go.await();
                    return AdminToken.loadOrCreate(file);
                }));
            }
            go.countDown();
            String first = tokens.get(0).get();
            for (Future<String> t : tokens) {
                assertThat(t.get()).isEqualTo(first);
            }
            assertThat(first).startsWith(AdminToken.PREFIX).hasSizeGreaterThan(40);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(Files.list(file.getParent())).as("no temporary file left behind").containsExactly(file);
            assertThat(AdminToken.loadOrCreate(file)).as("read again at the next start").isEqualTo(first);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bodiesAreJsonOnlyWhenTheMediaTypeIsJson() {
        assertThat(Edge.isJson("application/json")).isTrue();
        assertThat(Edge.isJson("Application/JSON; charset=utf-8")).isTrue();
        assertThat(Edge.isJson("text/plain")).isFalse();
        assertThat(Edge.isJson("application/json-seq")).isFalse();
        assertThat(Edge.isJson("text/plain; x=application/json")).isFalse();
        assertThat(Edge.isJson(null)).isFalse();
    }

    @Test
    void hostHeadersLoseTheirPortOnly() {
        assertThat(Edge.stripPort("localhost:8470")).isEqualTo("localhost");
        assertThat(Edge.stripPort("[::1]:8470")).isEqualTo("[::1]");
        assertThat(Edge.normalizeHost(Edge.stripPort("[::1]:8470"))).isEqualTo("::1");
        assertThat(Edge.normalizeHost("Spark-1.LAN.")).isEqualTo("spark-1.lan");
        assertThat(Edge.stripPort("evil.example")).isEqualTo("evil.example");
    }
}
