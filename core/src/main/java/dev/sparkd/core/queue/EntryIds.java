package dev.sparkd.core.queue;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Entry ids that cannot repeat within a process and practically never across processes: a random 60-bit prefix drawn
 * once per start, then a counter. {@link UUID#randomUUID()} draws 122 bits from a {@link SecureRandom} for each id,
 * which costs more than the rest of recording a request; uniqueness is all the ledger's {@code ON CONFLICT} needs.
 * Shaped as version-4 UUIDs so the column type and the spill file's format stay as they were.
 */
public final class EntryIds {
    private static final long PREFIX = (new SecureRandom().nextLong() & ~0xF000L) | 0x4000L; // version 4
    private static final AtomicLong COUNTER = new AtomicLong(new SecureRandom().nextLong() & 0x0FFF_FFFF_FFFF_FFFFL);

    private EntryIds() {
    }

    public static UUID next() {
        long n = COUNTER.getAndIncrement() & 0x3FFF_FFFF_FFFF_FFFFL;
        return new UUID(PREFIX, n | 0x8000_0000_0000_0000L); // IETF variant
    }
}
