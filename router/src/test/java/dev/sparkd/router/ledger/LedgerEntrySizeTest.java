package dev.sparkd.router.ledger;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.type.TypeFactory;

import dev.sparkd.core.queue.Codec;
import dev.sparkd.core.queue.Keyed;

/**
 * The ledger's memory bound counts each entry by an estimate instead of encoding it on the request's event loop; the
 * estimate must stay close to the spill line it stands for, or the 8 MB bound would mean something else.
 */
class LedgerEntrySizeTest {
    private final Codec<Keyed<LedgerEntry>> json = Codec.json(
            TypeFactory.defaultInstance().constructParametricType(Keyed.class, LedgerEntry.class));

    @Test
    void estimateIsWithinAQuarterOfTheSpillLine() {
        LedgerEntry plain = new LedgerEntry(Instant.parse("2026-12-05T03:00:00.123456Z"), "4f1c2a9e-7b7d-4a52-9f4e-0c6d1c7e9a11",
                "chat", "qwen", "spark-1:qwen3-32b", "vllm", "k_3", 200, "ok", null, 1234, 567, 0.0, 123.456, 45.6, true, 1, null);
        LedgerEntry failed = new LedgerEntry(Instant.parse("2026-12-05T03:00:00Z"), "req-from-client-0001", "messages", "cloudy",
                "openai:gpt-4.1-mini", "openai", "-", 502, "upstream_error", "upstream answered 502: " + "x".repeat(900), 0, 0, 0.0125,
                30001.5, null, false, 3, "spark-1:qwen(connect), spark-2:qwen(timeout)");
        for (LedgerEntry e : new LedgerEntry[] { plain, failed }) {
            Keyed<LedgerEntry> keyed = Keyed.of(e);
            long encoded = json.encode(keyed).length();
            long estimate = e.encodedSizeEstimate();
            assertTrue(Math.abs(estimate - encoded) <= encoded / 4, "estimate " + estimate + " vs encoded " + encoded + ": " + json.encode(keyed));
        }
    }

    @Test
    void entryIdsDoNotRepeat() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(seen.add(Keyed.of("x").id()), "an entry id repeated after " + i);
        }
        assertTrue(seen.stream().allMatch(id -> id.version() == 4 && id.variant() == 2), "ids are shaped as version-4 UUIDs");
    }
}
