package dev.sparkd.mcp.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.sparkd.mcp.config.McpSettings;
import dev.sparkd.mcp.config.RateLimit;

class AccessTest {
    @Test
    void keysAreVerifiedByHashAndNewKeysAre256Bits() {
        String key = ApiKeys.generate();
        assertThat(key).startsWith("sk-mcp-").hasSize(7 + 43);
        String hash = ApiKeys.hashForConfig(key);
        var k = new McpSettings.ApiKey("laptop", HexFormat.of().parseHex(hash.substring(7)), List.of("*"), List.of(), Optional.empty());
        ApiKeys keys = new ApiKeys(List.of(k));
        assertThat(keys.verify(key)).contains(k);
        assertThat(keys.verify(key + "x")).isEmpty();
        assertThat(keys.verify("")).isEmpty();
        assertThat(keys.verify(null)).isEmpty();
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
    void tokenBucketRefills() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(now::get);
        RateLimit twoPerSecond = RateLimit.parse("2/s").orElseThrow();
        assertThat(limiter.tryAcquire("a", twoPerSecond)).isTrue();
        assertThat(limiter.tryAcquire("a", twoPerSecond)).isTrue();
        assertThat(limiter.tryAcquire("a", twoPerSecond)).isFalse();
        assertThat(limiter.tryAcquire("b", twoPerSecond)).as("buckets are separate").isTrue();
        now.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(limiter.tryAcquire("a", twoPerSecond)).isTrue();
        assertThat(limiter.tryAcquire("a", twoPerSecond)).isFalse();
        assertThat(RateLimit.parse("0/s")).isEmpty();
        assertThat(RateLimit.parse("10/m").orElseThrow().toString()).isEqualTo("10/m");
    }
}
