package dev.sparkd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class ListQueryTest {
    static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    @Test
    void sinceIsATimeOrADurationBackFromNow() {
        assertThat(ListQuery.since("24h", NOW)).contains(Instant.parse("2026-12-04T12:00:00Z"));
        assertThat(ListQuery.since("2026-01-31T00:00:00Z", NOW)).contains(Instant.parse("2026-01-31T00:00:00Z"));
        assertThat(ListQuery.since("2026-01-31T01:00:00+01:00", NOW)).contains(Instant.parse("2026-01-31T00:00:00Z"));
        assertThat(ListQuery.since(null, NOW)).isEmpty();
        assertThat(ListQuery.since(" ", NOW)).isEmpty();
    }

    @Test
    void wrongValuesAnswer400WithAnExample() {
        assertThatThrownBy(() -> ListQuery.since("yesterday", NOW)).isInstanceOf(ApiError.class)
                .hasMessageContaining("\"yesterday\"")
                .satisfies(e -> assertThat(((ApiError) e).toResponse("r1").getStatus()).isEqualTo(400));
        assertThat(ListQuery.limit(1)).isEqualTo(1);
        assertThat(ListQuery.limit(ListQuery.MAX_LIMIT)).isEqualTo(1000);
        for (int wrong : new int[] {0, -1, 1001, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> ListQuery.limit(wrong)).isInstanceOf(ApiError.class).hasMessageContaining("from 1 to 1000");
        }
    }
}
