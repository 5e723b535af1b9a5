package dev.sparkd.core.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    // The "Text format example" of prometheus/docs docs/instrumenting/exposition_formats.md.
    private static final String SPEC_EXAMPLE = Fixtures.text("prometheus/spec-example.txt");

    @Test
    void specExampleParsesWithoutProblems() {
        Exposition e = PrometheusText.parse(SPEC_EXAMPLE);

        assertThat(e.problems()).isEmpty();
        assertThat(e.openMetrics()).isFalse();
        MetricFamily requests = e.family("http_requests_total").orElseThrow();
        assertThat(requests.type()).isEqualTo(MetricType.COUNTER);
        assertThat(requests.help()).isEqualTo("The total number of HTTP requests.");
        assertThat(requests.samples()).hasSize(2);
        Sample first = requests.samples().get(0);
        assertThat(first.labels()).containsExactly(Map.entry("method", "post"), Map.entry("code", "200"));
        assertThat(first.value()).isEqualTo(1027);
        assertThat(first.timestampMillis()).hasValue(1395066363000L);
        assertThat(requests.samples().get(1).value()).isEqualTo(3);
    }

    @Test
    void labelValuesAreUnescaped() {
        Sample s = PrometheusText.parse(SPEC_EXAMPLE).samples("msdos_file_access_time_seconds").get(0);

        assertThat(s.label("path")).isEqualTo("C:\\DIR\\FILE.TXT");
        assertThat(s.label("error")).isEqualTo("Cannot find file:\n\"FILE.TXT\"");
        assertThat(s.value()).isEqualTo(1.458255915e9);
    }

    @Test
    void quotedUtf8NamesAndNegativeTimestampsAndInfinity() {
        Exposition e = PrometheusText.parse(SPEC_EXAMPLE);

        Sample dotted = e.samples("my.dotted.metric").get(0);
        assertThat(dotted.labels()).containsExactly(Map.entry("error.message", "Not Found"));
        Sample weird = e.samples("something_weird").get(0);
        assertThat(weird.value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(weird.timestampMillis()).hasValue(-3982045L);
    }

    @Test
    void histogramSamplesAreGroupedIntoTheirFamily() {
        Exposition e = PrometheusText.parse(SPEC_EXAMPLE);

        MetricFamily family = e.family("http_request_duration_seconds").orElseThrow();
        assertThat(family.type()).isEqualTo(MetricType.HISTOGRAM);
        assertThat(family.samples()).hasSize(8);
        assertThat(e.family("http_request_duration_seconds_bucket")).isEmpty();

        List<Histogram> histograms = e.histograms("http_request_duration_seconds", s -> true);
        assertThat(histograms).hasSize(1);
        Histogram h = histograms.get(0);
        assertThat(h.buckets()).hasSize(6);
        assertThat(h.buckets().get(5).upperBound()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(h.sum()).isEqualTo(53423);
        assertThat(h.count()).isEqualTo(144320);
        // rank 72160 falls in (0.1, 0.2]: 0.1 + 0.1 * (72160 - 33444) / (100392 - 33444)
        assertThat(h.quantile(0.5).getAsDouble()).isCloseTo(0.1 + 0.1 * (72160 - 33444) / 66948.0, within(1e-9));

        MetricFamily summary = e.family("rpc_duration_seconds").orElseThrow();
        assertThat(summary.type()).isEqualTo(MetricType.SUMMARY);
        assertThat(summary.samples()).hasSize(7);
    }

    @Test
    void specialValues() {
        Exposition e = PrometheusText.parse("""
                a NaN
                b +Inf
                c -Inf
                d 1e-3
                e -0.5
                f .5
                """);

        assertThat(e.problems()).isEmpty();
        assertThat(e.samples("a").get(0).value()).isNaN();
        assertThat(e.samples("b").get(0).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(e.samples("c").get(0).value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(e.samples("d").get(0).value()).isEqualTo(0.001);
        assertThat(e.samples("e").get(0).value()).isEqualTo(-0.5);
        assertThat(e.samples("f").get(0).value()).isEqualTo(0.5);
    }

    @Test
    void javaOnlyNumberSpellingsAreRejected() {
        assertThatThrownBy(() -> PrometheusText.parseValue("1d")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> PrometheusText.parseValue("0x1p3")).isInstanceOf(NumberFormatException.class);
        assertThat(PrometheusText.parseValue("Infinity")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(PrometheusText.parseValue("-inf")).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void malformedLinesAreReportedAndTheRestStillParses() {
        Exposition e = PrometheusText.parse("""
                # TYPE good gauge
                good 1
                bad_value{a="b"} twelve
                unterminated{a="b} 3
                # TYPE odd sometype
                no_value
                good_too{x="y",} 2
                dup{a="1",a="2"} 1
                """);

        assertThat(e.samples("good").get(0).value()).isEqualTo(1);
        assertThat(e.samples("good_too").get(0).labels()).containsExactly(Map.entry("x", "y"));
        assertThat(e.problems()).extracting(ParseProblem::lineNumber).containsExactly(3, 4, 5, 6, 8);
        assertThat(e.problems().get(0).reason()).contains("not a number");
        assertThat(e.problems().get(2).reason()).contains("unknown metric type");
        assertThat(e.problems().get(4).reason()).contains("duplicate label");
    }

    @Test
    void timestampWithFractionIsMalformedInTextFormat004() {
        Exposition e = PrometheusText.parse("x 1 1520879607.789\n");

        assertThat(e.samples("x")).isEmpty();
        assertThat(e.problems()).singleElement().extracting(ParseProblem::reason).asString().contains("milliseconds");
    }

    // Examples from the OpenMetrics 1.0 spec (prometheus/docs docs/specs/om/open_metrics_spec.md,
    // "Overall Structure", "Counter", "Gauge" and exemplar sections).
    @Test
    void openMetricsCountersCreatedUnitsExemplarsAndSecondTimestamps() {
        Exposition e = PrometheusText.parse("""
                # TYPE acme_http_router_request_seconds summary
                # UNIT acme_http_router_request_seconds seconds
                # HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
                acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
                acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
                acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
                # TYPE foo counter
                foo_total 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67 1520879606.1
                foo_created 1520430000.123 1520879607.789
                # TYPE bar gauge
                # HELP bar Some text and \\n some \\" escaping
                bar{a="x",b="escaping\\" example \\n "} 0
                baz inf
                # EOF
                """);

        assertThat(e.openMetrics()).isTrue();
        assertThat(e.problems()).isEmpty();
        MetricFamily summary = e.family("acme_http_router_request_seconds").orElseThrow();
        assertThat(summary.unit()).isEqualTo("seconds");
        assertThat(summary.samples()).hasSize(3);

        MetricFamily foo = e.family("foo").orElseThrow();
        assertThat(foo.type()).isEqualTo(MetricType.COUNTER);
        assertThat(foo.samples()).extracting(Sample::name).containsExactly("foo_total", "foo_created");
        Sample total = foo.samples().get(0);
        assertThat(total.timestampMillis()).hasValue(1520879607789L);
        Exemplar exemplar = total.exemplar().orElseThrow();
        assertThat(exemplar.labels()).containsEntry("trace_id", "KOO5S4vxi0o");
        assertThat(exemplar.value()).isEqualTo(0.67);
        assertThat(exemplar.timestampMillis()).hasValue(1520879606100L);

        assertThat(e.family("bar").orElseThrow().help()).isEqualTo("Some text and \n some \" escaping");
        assertThat(e.samples("bar").get(0).label("b")).isEqualTo("escaping\" example \n ");
        assertThat(e.samples("baz").get(0).value()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void linesAfterEofAreProblems() {
        Exposition e = PrometheusText.parse("a 1\n# EOF\nb 2\n");

        assertThat(e.samples("a")).hasSize(1);
        assertThat(e.samples("b")).isEmpty();
        assertThat(e.problems()).singleElement().extracting(ParseProblem::reason).isEqualTo("content after # EOF");
    }

    @Test
    void absentMetricIsEmptyNotZero() {
        Exposition e = PrometheusText.parse("present 0\n");

        assertThat(e.sum("present", s -> true)).hasValue(0);
        assertThat(e.sum("absent", s -> true)).isEmpty();
    }

    @Test
    void crlfLineEndingsAndTabsAreTolerated() {
        Exposition e = PrometheusText.parse("# TYPE x gauge\r\nx{a=\"b\"}\t5\r\n");

        assertThat(e.problems()).isEmpty();
        assertThat(e.samples("x").get(0).value()).isEqualTo(5);
    }
}
