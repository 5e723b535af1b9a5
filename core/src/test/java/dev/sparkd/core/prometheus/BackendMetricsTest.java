package dev.sparkd.core.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BackendMetricsTest {

    @Test
    void vllmDuringTheRenameWindowPrefersTheNewKvCacheName() {
        Exposition e = PrometheusText.parse(Fixtures.text("prometheus/vllm-0.10-both-kv-names.txt"));
        assertThat(e.problems()).isEmpty();

        VllmMetrics m = VllmMetrics.from(e);

        assertThat(m.present()).isTrue();
        assertThat(m.modelNames()).containsExactly("Qwen/Qwen3-30B-A3B");
        assertThat(m.requestsRunning()).hasValue(3);
        assertThat(m.requestsWaiting()).hasValue(2);
        assertThat(m.kvCacheUsage()).hasValue(0.4175);
        assertThat(m.kvCacheMetric()).isEqualTo("vllm:kv_cache_usage_perc");
        assertThat(m.promptTokensTotal()).hasValue(51877);
        assertThat(m.generationTokensTotal()).hasValue(20480);
        assertThat(m.prefixCacheQueriesTotal()).hasValue(48210);
        assertThat(m.prefixCacheHitsTotal()).hasValue(30112);
        assertThat(m.preemptionsTotal()).hasValue(1);
        assertThat(m.requestsFinishedTotal()).hasValue(100);
        HistogramSummary ttft = m.timeToFirstToken().orElseThrow();
        assertThat(ttft.count()).isEqualTo(100);
        assertThat(ttft.mean()).hasValue(0.215);
        // rank 50 is exactly the 0.1 bucket's cumulative count
        assertThat(ttft.p50().getAsDouble()).isCloseTo(0.1, within(1e-12));
        // rank 95 lies in (0.25, 0.5]: 0.25 + 0.25 * 5/8
        assertThat(ttft.p95().getAsDouble()).isCloseTo(0.25 + 0.25 * 5 / 8.0, within(1e-12));
    }

    @Test
    void olderVllmIsReadThroughTheLegacyNamesAndEnginesAreAggregated() {
        VllmMetrics m = VllmMetrics.from(PrometheusText.parse(Fixtures.text("prometheus/vllm-0.8-legacy-only.txt")));

        assertThat(m.kvCacheMetric()).isEqualTo("vllm:gpu_cache_usage_perc");
        assertThat(m.kvCacheUsage()).hasValue(0.9);
        assertThat(m.requestsRunning()).hasValue(5);
        assertThat(m.requestsWaiting()).hasValue(5);
        assertThat(m.prefixCacheQueriesTotal()).hasValue(1500);
        assertThat(m.prefixCacheHitsTotal()).isEmpty();
        assertThat(m.promptTokensTotal()).isEmpty();
        HistogramSummary ttft = m.timeToFirstToken().orElseThrow();
        assertThat(ttft.count()).isEqualTo(20);
        assertThat(ttft.sum()).isEqualTo(10);
        // merged buckets: le=0.1 → 5, le=1 → 20; rank 10 is in (0.1, 1]: 0.1 + 0.9 * 5/15
        assertThat(ttft.p50().getAsDouble()).isCloseTo(0.1 + 0.9 * 5 / 15.0, within(1e-12));
    }

    @Test
    void vllmCanBeReadForOneModel() {
        Exposition e = PrometheusText.parse(Fixtures.text("prometheus/vllm-0.10-both-kv-names.txt"));

        assertThat(VllmMetrics.from(e, "Qwen/Qwen3-30B-A3B").requestsRunning()).hasValue(3);
        VllmMetrics other = VllmMetrics.from(e, "some/other-model");
        assertThat(other.present()).isFalse();
        assertThat(other.kvCacheUsage()).isEmpty();
    }

    @Test
    void currentLlamaCpp() {
        Exposition e = PrometheusText.parse(Fixtures.text("prometheus/llamacpp-current.txt"));
        assertThat(e.problems()).isEmpty();

        LlamaCppMetrics m = LlamaCppMetrics.from(e);

        assertThat(m.present()).isTrue();
        assertThat(m.requestsProcessing()).hasValue(2);
        assertThat(m.requestsDeferred()).hasValue(1);
        assertThat(m.promptTokensTotal()).hasValue(96641);
        assertThat(m.promptTokensCachedTotal()).hasValue(4120);
        assertThat(m.tokensPredictedTotal()).hasValue(23210);
        assertThat(m.tokensPredictedSecondsTotal()).hasValue(510.2);
        assertThat(m.predictedTokensPerSecond()).hasValue(45.4769);
        assertThat(m.decodeCallsTotal()).hasValue(23381);
        assertThat(m.maxTokensObserved()).hasValue(42094);
        assertThat(m.draftTokensTotal()).hasValue(800);
        assertThat(m.draftTokensAcceptedTotal()).hasValue(520);
        assertThat(m.kvCacheUsageRatio()).isEmpty();
        assertThat(m.kvCacheTokens()).isEmpty();
    }

    @Test
    void olderLlamaCppAndDerivativeSpellings() {
        LlamaCppMetrics m = LlamaCppMetrics.from(PrometheusText.parse(Fixtures.text("prometheus/llamacpp-old.txt")));

        assertThat(m.kvCacheUsageRatio()).hasValue(0.5);
        assertThat(m.kvCacheTokens()).hasValue(1234);
        assertThat(m.busySlotsPerDecode()).hasValue(1.5);
        assertThat(m.draftTokensTotal()).hasValue(40);
        assertThat(m.draftTokensAcceptedTotal()).hasValue(30);
        assertThat(m.promptTokensCachedTotal()).isEmpty();
        assertThat(m.requestsDeferred()).hasValue(0);
    }

    @Test
    void llamaCppMetricsAreEmptyOnSomethingElse() {
        LlamaCppMetrics m = LlamaCppMetrics.from(PrometheusText.parse(Fixtures.text("prometheus/vllm-0.10-both-kv-names.txt")));

        assertThat(m.present()).isFalse();
        assertThat(m.requestsProcessing()).isEmpty();
    }
}
