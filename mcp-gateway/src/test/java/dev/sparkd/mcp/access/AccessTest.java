package dev.sparkd.mcp.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.sparkd.core.auth.RateLimiter;
import dev.sparkd.core.config.Listen;
import dev.sparkd.mcp.config.McpSettings;
import dev.sparkd.mcp.config.RateLimit;

class AccessTest {
    static McpSettings settings(Listen listen, List<String> origins, McpSettings.ApiKey... keys) {
        Map<String, McpSettings.ApiKey> byId = new LinkedHashMap<>();
        for (McpSettings.ApiKey k : keys) {
            byId.put(k.id(), k);
        }
        return new McpSettings(listen, origins, Map.of(), byId, Duration.ofDays(90), new McpSettings.SessionLimits(16, Duration.ofMinutes(5)));
    }

    @Test
    void keysAreVerifiedByHashAndNewKeysAre256Bits() {
        String key = ApiKeys.generate();
        assertThat(key).startsWith("sk-mcp-").hasSize(7 + 43);
        String hash = ApiKeys.hashForConfig(key);
        assertThat(hash).matches("sha256:[0-9a-f]{64}");
        var k = new McpSettings.ApiKey("laptop", HexFormat.of().parseHex(hash.substring(7)), List.of("*"), List.of(), Optional.empty());
        var other = new McpSettings.ApiKey("other", HexFormat.of().parseHex(ApiKeys.hashForConfig("sk-mcp-other").substring(7)),
                List.of("*"), List.of(), Optional.empty());
        ApiKeys keys = new ApiKeys(settings(Listen.loopback(8473), List.of(), other, k));
        assertThat(keys.verify(key)).contains(k);
        assertThat(keys.verify("sk-mcp-other")).contains(other);
        assertThat(keys.verify(key + "x")).isEmpty();
        assertThat(keys.verify("")).isEmpty();
        assertThat(keys.verify(null)).isEmpty();
        assertThat(keys.verify("x".repeat(10_000))).as("an oversized key is refused").isEmpty();
    }

    @Test
    void denyWinsAndNothingIsAllowedByDefault() {
        var k = new McpSettings.ApiKey("k", new byte[32], List.of("memory__*", "everything__echo"), List.of("memory__delete_*"), Optional.empty());
        assertThat(Policy.allows(k, "memory__read_graph")).isTrue();
        assertThat(Policy.allows(k, "memory__delete_entities")).isFalse();
        assertThat(Policy.allows(k, "everything__echo")).isTrue();
        assertThat(Policy.allows(k, "everything__echo2")).isFalse();
        assertThat(Policy.allows(new McpSettings.ApiKey("none", new byte[32], List.of(), List.of(), Optional.empty()), "x__y")).isFalse();
    }

    @Test
    void configuredRatesDriveTheSharedTokenBucket() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(now::get);
        RateLimiter.Rate twoPerSecond = RateLimit.parse("2/s").orElseThrow().rate();
        assertThat(twoPerSecond).isEqualTo(new RateLimiter.Rate(2, Duration.ofSeconds(1)));
        assertThat(limiter.tryAcquire("a", twoPerSecond)).isTrue();
        assertThat(limiter.tryAcquire("a", twoPerSecond)).isTrue();
        assertThat(limiter.tryAcquire("a", twoPerSecond)).isFalse();
        assertThat(limiter.tryAcquire("b", twoPerSecond)).as("buckets are separate").isTrue();
        now.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(limiter.tryAcquire("a", twoPerSecond)).isTrue();
        assertThat(limiter.tryAcquire("a", twoPerSecond)).isFalse();
        assertThat(RateLimit.parse("0/s")).isEmpty();
        assertThat(RateLimit.parse("10/m").orElseThrow().toString()).isEqualTo("10/m");
        assertThat(RateLimit.parse("90/h").orElseThrow().rate()).isEqualTo(new RateLimiter.Rate(90, Duration.ofHours(1)));
    }

    @Test
    void originsAreTheConfiguredOnesAndTheGatewaysOwnAddress() {
        McpSettings s = settings(new Listen("192.168.1.5", 8473), List.of("https://trusted.example"));
        McpHttpGuard guard = new McpHttpGuard(new ApiKeys(s), new Sessions(null), s, new RateLimiter(), "/mcp");
        assertThat(guard.allowedOrigin("https://trusted.example")).isTrue();
        assertThat(guard.allowedOrigin("http://192.168.1.5:8473")).isTrue();
        assertThat(guard.allowedOrigin("http://localhost:8473")).isTrue();
        assertThat(guard.allowedOrigin("http://127.0.0.1:8473")).isTrue();
        assertThat(guard.allowedOrigin("http://[::1]:8473")).isTrue();

        assertThat(guard.allowedOrigin("https://evil.example")).isFalse();
        assertThat(guard.allowedOrigin("http://localhost.evil.example:8473")).as("a rebinding page names its own host").isFalse();
        assertThat(guard.allowedOrigin("http://127.0.0.1.nip.io:8473")).isFalse();
        assertThat(guard.allowedOrigin("http://localhost:9999")).as("another local port is another origin").isFalse();
        assertThat(guard.allowedOrigin("https://localhost:8473")).isFalse();
        assertThat(guard.allowedOrigin("http://192.168.1.6:8473")).isFalse();
        assertThat(guard.allowedOrigin("null")).isFalse();
        assertThat(guard.allowedOrigin("http://user@localhost:8473")).isFalse();
    }
}
