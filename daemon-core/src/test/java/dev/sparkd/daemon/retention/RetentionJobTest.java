package dev.sparkd.daemon.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/** Each kept kind of row is asked to delete before its own cutoff; one failure does not stop the others. */
class RetentionJobTest {
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    record Kept(String what, Duration keep, Instant floor, List<Instant> asked, Uni<Long> answer) implements Retained {
        @Override
        public Instant cutoff(Instant now) {
            Instant plain = Retained.super.cutoff(now);
            return floor != null && floor.isBefore(plain) ? floor : plain;
        }

        @Override
        public Uni<Long> deleteBefore(Instant cutoff) {
            asked.add(cutoff);
            return answer;
        }
    }

    @Test
    void eachDeletesBeforeItsCutoffAndAFailureIsIsolated() {
        List<Instant> ledger = new ArrayList<>();
        List<Instant> broken = new ArrayList<>();
        List<Instant> audit = new ArrayList<>();
        Instant monthStart = Instant.parse("2026-12-01T00:00:00Z");
        RetentionJob job = new RetentionJob(List.of(
                new Kept("ledger rows", Duration.ofDays(1), monthStart, ledger, Uni.createFrom().item(7L)),
                new Kept("operations", Duration.ofDays(30), null, broken, Uni.createFrom().failure(new IllegalStateException("db away"))),
                new Kept("audit rows", Duration.ofDays(90), null, audit, Uni.createFrom().item(3L))));
        long deleted = job.enforce(NOW).await().atMost(Duration.ofSeconds(5));
        assertThat(deleted).isEqualTo(10);
        assertThat(ledger).containsExactly(monthStart);
        assertThat(broken).containsExactly(NOW.minus(Duration.ofDays(30)));
        assertThat(audit).containsExactly(NOW.minus(Duration.ofDays(90)));
    }

    @Test
    void aPlainAgeLimitDeletesWhatIsOlderThanItsKeep() {
        List<Instant> asked = new ArrayList<>();
        Retained incidents = Retained.of("incident rows", Duration.ofDays(7), cutoff -> {
            asked.add(cutoff);
            return Uni.createFrom().item(2L);
        });
        long deleted = new RetentionJob(List.of(incidents)).enforce(NOW).await().atMost(Duration.ofSeconds(5));
        assertThat(deleted).isEqualTo(2);
        assertThat(asked).containsExactly(NOW.minus(Duration.ofDays(7)));
        assertThat(incidents.what()).isEqualTo("incident rows");
    }
}
