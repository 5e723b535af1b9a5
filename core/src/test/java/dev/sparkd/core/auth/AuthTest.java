package dev.sparkd.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.sparkd.core.net.Peers;

class AuthTest {
    @Test
    void aSecretMatchesOnlyItsOwnHash() {
        String key = SecretHash.generate("sk-test-", 24);
        byte[] hash = SecretHash.sha256(key);
        assertThat(SecretHash.matches(key, hash)).isTrue();
        assertThat(SecretHash.matches(key + "x", hash)).isFalse();
        assertThat(SecretHash.matches(key, null)).isFalse();
        assertThat(SecretHash.matches("", hash)).isFalse();
        assertThat(SecretHash.matches("a".repeat(SecretHash.MAX_PRESENTED + 1), hash)).isFalse();
    }

    @Test
    void aBucketBurstsToItsLimitThenRefillsAtTheRate() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(now::get);
        RateLimiter.Rate rate = new RateLimiter.Rate(5, Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire("k", rate)).isTrue();
        }
        assertThat(limiter.tryAcquire("k", rate)).isFalse();
        assertThat(limiter.tryAcquire("other", rate)).isTrue();
        now.addAndGet(Duration.ofSeconds(12).toNanos()); // one token per 12 s
        assertThat(limiter.tryAcquire("k", rate)).isTrue();
        assertThat(limiter.tryAcquire("k", rate)).isFalse();
        limiter.refund("k");
        assertThat(limiter.tryAcquire("k", rate)).isTrue();
    }

    @Test
    void loopbackIsDecidedWithoutDns() {
        assertThat(Peers.isLoopback("127.0.0.1")).isTrue();
        assertThat(Peers.isLoopback("127.9.9.9")).isTrue();
        assertThat(Peers.isLoopback("[::1]")).isTrue();
        assertThat(Peers.isLoopback("localhost")).isTrue();
        assertThat(Peers.isLoopback("192.168.1.5")).isFalse();
        assertThat(Peers.isLoopback("rebind.attacker.example")).isFalse();
        assertThat(Peers.isLoopback(null)).isFalse();
    }

    @Test
    void aRequestIdIsTheCallersOnlyWhenSane() {
        assertThat(Peers.requestId("abc-123")).isEqualTo("abc-123");
        assertThat(Peers.requestId("a b")).isNotEqualTo("a b").hasSize(36);
        assertThat(Peers.requestId("x".repeat(129))).hasSize(36);
        assertThat(Peers.requestId(null)).hasSize(36);
    }
}
