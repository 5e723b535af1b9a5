package dev.sparkd.core.prometheus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Tolerant parser for the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text.
 *
 * <p>Follows prometheus/docs {@code exposition_formats.md} (HELP/TYPE lines, label escaping
 * {@code \\ \" \n}, {@code NaN}/{@code +Inf}/{@code -Inf}, int64 millisecond timestamps, quoted
 * UTF-8 names) and the OpenMetrics spec ({@code # EOF}, {@code # UNIT}, {@code _created},
 * exemplars, float-seconds timestamps, case-insensitive {@code inf}/{@code nan}). A malformed line
 * is recorded in {@link Exposition#problems()} and skipped; it never fails the whole parse, because
 * one odd line from a backend must not blind the health-agent to all the others.
 */
public final class PrometheusText {

    private static final Pattern REAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final String[] SUFFIXES = {"_total", "_created", "_bucket", "_sum", "_count", "_gsum", "_gcount", "_info"};

    private PrometheusText() {
    }

    /** Parses a whole exposition. OpenMetrics is recognised by its {@code # EOF} line. */
    public static Exposition parse(String text) {
        return new Parser(text).run();
    }

    /**
     * Parses a sample value as Go's {@code ParseFloat} would for the forms exporters use: decimal and
     * exponent notation, {@code NaN}, {@code ±Inf}, {@code ±Infinity} (any case).
     */
    public static double parseValue(String token) {
        String lower = token.toLowerCase(Locale.ROOT);
        String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        boolean negative = lower.startsWith("-");
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        // Double.parseDouble alone would also take "1d", "0x1p3" and "Infinity" spelled Java's way.
        if (!REAL.matcher(token).matches()) {
            throw new NumberFormatException("not a number: " + token);
        }
        return Double.parseDouble(token);
    }

    /** One parse run; holds the families being assembled. */
    private static final class Parser {
        private final String text;
        private final boolean openMetrics;
        private final Map<String, FamilyBuilder> families = new LinkedHashMap<>();
        private final List<ParseProblem> problems = new ArrayList<>();
        private boolean eofSeen;

        Parser(String text) {
            this.text = text == null ? "" : text;
            this.openMetrics = this.text.lines().anyMatch(l -> l.strip().equals("# EOF"));
        }

        Exposition run() {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String raw = lines[i];
                String line = raw.strip();
                if (line.isEmpty()) {
                    continue;
                }
                if (eofSeen) {
                    problem(i + 1, raw, "content after # EOF");
                    continue;
                }
                try {
                    if (line.startsWith("#")) {
                        metadata(line);
                    } else {
                        sample(line);
                    }
                } catch (MalformedLine e) {
                    problem(i + 1, raw, e.getMessage());
                }
            }
            List<MetricFamily> result = new ArrayList<>();
            families.values().forEach(f -> result.add(f.build()));
            return new Exposition(result, problems, openMetrics);
        }

        private void metadata(String line) {
            Cursor c = new Cursor(line, 1);
            c.skipBlanks();
            String keyword = c.word();
            switch (keyword) {
                case "HELP" -> {
                    c.skipBlanks();
                    String name = c.metricName();
                    c.skipOneBlank();
                    family(name).help(unescape(c.rest()));
                }
                case "TYPE" -> {
                    c.skipBlanks();
                    String name = c.metricName();
                    c.skipBlanks();
                    String token = c.word();
                    MetricType type = MetricType.fromToken(token)
                            .orElseThrow(() -> new MalformedLine("unknown metric type '" + token + "'"));
                    if (!c.rest().isBlank()) {
                        throw new MalformedLine("unexpected text after TYPE");
                    }
                    family(name).type(type);
                }
                case "UNIT" -> {
                    c.skipBlanks();
                    String name = c.metricName();
                    c.skipBlanks();
                    family(name).unit(c.rest().strip());
                }
                case "EOF" -> eofSeen = true;
                default -> {
                    // a plain comment
                }
            }
        }

        private void sample(String line) {
            Cursor c = new Cursor(line, 0);
            String name = null;
            if (c.peek() != '{') {
                name = c.metricName();
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (c.peek() == '{') {
                name = c.labels(labels, name);
            }
            if (name == null) {
                throw new MalformedLine("sample without a metric name");
            }
            c.requireBlank();
            String valueToken = c.word();
            double value = number(valueToken, "value");
            c.skipBlanks();
            OptionalLong timestamp = OptionalLong.empty();
            if (!c.atEnd() && c.peek() != '#') {
                timestamp = OptionalLong.of(timestamp(c.word()));
                c.skipBlanks();
            }
            Optional<Exemplar> exemplar = Optional.empty();
            if (!c.atEnd() && c.peek() == '#') {
                exemplar = Optional.of(exemplar(c));
            }
            if (!c.atEnd()) {
                throw new MalformedLine("unexpected text after sample");
            }
            familyForSample(name).add(new Sample(name, labels, value, timestamp, exemplar));
        }

        private Exemplar exemplar(Cursor c) {
            c.expect('#');
            c.skipBlanks();
            if (c.peek() != '{') {
                throw new MalformedLine("exemplar without labels");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (c.labels(labels, "") == null) {
                throw new MalformedLine("exemplar labels malformed");
            }
            c.requireBlank();
            double value = number(c.word(), "exemplar value");
            c.skipBlanks();
            OptionalLong ts = OptionalLong.empty();
            if (!c.atEnd()) {
                ts = OptionalLong.of(secondsToMillis(c.word()));
                c.skipBlanks();
            }
            return new Exemplar(labels, value, ts);
        }

        private long timestamp(String token) {
            if (openMetrics) {
                return secondsToMillis(token);
            }
            if (!INTEGER.matcher(token).matches()) {
                throw new MalformedLine("timestamp '" + token + "' is not an integer of milliseconds");
            }
            try {
                return Long.parseLong(token);
            } catch (NumberFormatException e) {
                throw new MalformedLine("timestamp '" + token + "' out of range");
            }
        }

        private long secondsToMillis(String token) {
            double seconds = number(token, "timestamp");
            if (!Double.isFinite(seconds)) {
                throw new MalformedLine("timestamp '" + token + "' is not finite");
            }
            return Math.round(seconds * 1000.0);
        }

        private double number(String token, String what) {
            try {
                return parseValue(token);
            } catch (NumberFormatException e) {
                throw new MalformedLine(what + " '" + token + "' is not a number");
            }
        }

        private FamilyBuilder family(String name) {
            return families.computeIfAbsent(name, FamilyBuilder::new);
        }

        /** Finds the declared family a sample belongs to: exact name first, then by type suffix. */
        private FamilyBuilder familyForSample(String sampleName) {
            FamilyBuilder exact = families.get(sampleName);
            if (exact != null && exact.type.acceptsSuffix("")) {
                return exact;
            }
            for (String suffix : SUFFIXES) {
                if (sampleName.endsWith(suffix)) {
                    FamilyBuilder base = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
                    if (base != null && base.type.acceptsSuffix(suffix)) {
                        return base;
                    }
                }
            }
            return exact != null ? exact : family(sampleName);
        }

        private void problem(int lineNumber, String line, String reason) {
            String shown = line.length() > 200 ? line.substring(0, 200) + "…" : line;
            problems.add(new ParseProblem(lineNumber, shown, reason));
        }
    }

    /** HELP and label escapes: backslash, line feed and (OpenMetrics) double quote. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length()) {
                char next = s.charAt(++i);
                switch (next) {
                    case 'n' -> out.append('\n');
                    case '\\' -> out.append('\\');
                    case '"' -> out.append('"');
                    default -> out.append('\\').append(next);
                }
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /** A line that cannot be read; caught per line and turned into a {@link ParseProblem}. */
    private static final class MalformedLine extends RuntimeException {
        MalformedLine(String message) {
            super(message, null, false, false);
        }
    }

    /** Mutable metadata and samples of one family while parsing. */
    private static final class FamilyBuilder {
        private final String name;
        private MetricType type = MetricType.UNTYPED;
        private boolean typed;
        private String help;
        private String unit;
        private final List<Sample> samples = new ArrayList<>();

        FamilyBuilder(String name) {
            this.name = name;
        }

        void type(MetricType value) {
            if (typed) {
                throw new MalformedLine("second TYPE line for " + name);
            }
            if (!samples.isEmpty()) {
                throw new MalformedLine("TYPE for " + name + " after its samples");
            }
            typed = true;
            type = value;
        }

        void help(String value) {
            if (help != null) {
                throw new MalformedLine("second HELP line for " + name);
            }
            help = value;
        }

        void unit(String value) {
            unit = value.isEmpty() ? null : value;
        }

        void add(Sample sample) {
            samples.add(sample);
        }

        MetricFamily build() {
            return new MetricFamily(name, type, help == null || help.isEmpty() ? null : help, unit, samples);
        }
    }

    /** A position in one line. */
    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(String s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return atEnd() ? '\0' : s.charAt(pos);
        }

        void expect(char ch) {
            if (peek() != ch) {
                throw new MalformedLine("expected '" + ch + "' at column " + (pos + 1));
            }
            pos++;
        }

        void skipBlanks() {
            while (!atEnd() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        void skipOneBlank() {
            if (!atEnd() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        void requireBlank() {
            if (atEnd() || (s.charAt(pos) != ' ' && s.charAt(pos) != '\t')) {
                throw new MalformedLine(atEnd() ? "sample without a value" : "expected a blank at column " + (pos + 1));
            }
            skipBlanks();
        }

        String word() {
            int start = pos;
            while (!atEnd() && s.charAt(pos) != ' ' && s.charAt(pos) != '\t') {
                pos++;
            }
            return s.substring(start, pos);
        }

        String rest() {
            String r = s.substring(Math.min(pos, s.length()));
            pos = s.length();
            return r;
        }

        /** A legacy identifier ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}) or a quoted UTF-8 name. */
        String metricName() {
            return name(true, "a metric name");
        }

        /** A legacy identifier ({@code [a-zA-Z_][a-zA-Z0-9_]*}) or a quoted UTF-8 name. */
        String labelName() {
            return name(false, "a label name");
        }

        private String name(boolean colons, String what) {
            if (peek() == '"') {
                return quoted();
            }
            int start = pos;
            while (!atEnd()) {
                char ch = s.charAt(pos);
                boolean ok = ch == '_' || (colons && ch == ':') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
                        || (pos > start && ch >= '0' && ch <= '9');
                if (!ok) {
                    break;
                }
                pos++;
            }
            if (pos == start) {
                throw new MalformedLine("expected " + what + " at column " + (start + 1));
            }
            return s.substring(start, pos);
        }

        /** A double-quoted, escaped string; the cursor must be on the opening quote. */
        String quoted() {
            expect('"');
            StringBuilder raw = new StringBuilder();
            while (!atEnd()) {
                char ch = s.charAt(pos++);
                if (ch == '\\') {
                    if (atEnd()) {
                        break;
                    }
                    raw.append(ch).append(s.charAt(pos++));
                } else if (ch == '"') {
                    return unescape(raw.toString());
                } else {
                    raw.append(ch);
                }
            }
            throw new MalformedLine("unterminated quoted string");
        }

        /**
         * Reads {@code {…}} into {@code labels}. A leading quoted string without {@code =} is the
         * metric name (UTF-8 name syntax); returns the metric name in effect.
         */
        String labels(Map<String, String> labels, String metricName) {
            expect('{');
            String name = metricName;
            boolean first = true;
            while (true) {
                skipBlanks();
                if (peek() == '}') {
                    pos++;
                    return name;
                }
                boolean quotedName = peek() == '"';
                String labelName = labelName();
                skipBlanks();
                if (first && quotedName && name == null && (peek() == ',' || peek() == '}')) {
                    name = labelName;
                } else {
                    expect('=');
                    skipBlanks();
                    if (peek() != '"') {
                        throw new MalformedLine("label value for '" + labelName + "' is not quoted");
                    }
                    String value = quoted();
                    if (labels.putIfAbsent(labelName, value) != null) {
                        throw new MalformedLine("duplicate label '" + labelName + "'");
                    }
                    skipBlanks();
                }
                first = false;
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw new MalformedLine("expected ',' or '}' at column " + (pos + 1));
                }
            }
        }
    }
}
