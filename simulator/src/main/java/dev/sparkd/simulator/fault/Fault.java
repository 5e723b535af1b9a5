package dev.sparkd.simulator.fault;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One injected fault and its parameters, e.g. {@code {"type":"slow","delay_ms":500}}.
 * Parameters keep the control API's names so the state endpoint shows them back unchanged.
 */
public record Fault(FaultType type, Map<String, Object> params) {
    public Fault {
        params = Map.copyOf(params);
    }

    public static Fault of(FaultType type) {
        return new Fault(type, Map.of());
    }

    public static Fault of(FaultType type, String key, Object value) {
        return new Fault(type, Map.of(key, value));
    }

    /** Reads {@code {"type": "...", ...params}} as the control API and the TOML write it. */
    public static Fault fromMap(Map<String, ?> map) {
        Object type = map.get("type");
        if (!(type instanceof String name)) {
            throw new IllegalArgumentException("a fault needs a \"type\"");
        }
        Map<String, Object> params = new LinkedHashMap<>(map);
        params.remove("type");
        params.values().removeIf(v -> v == null);
        return new Fault(FaultType.parse(name), params);
    }

    public long longParam(String key, long fallback) {
        return param(key, fallback, Number::longValue, Long::parseLong);
    }

    public int intParam(String key, int fallback) {
        return (int) longParam(key, fallback);
    }

    public double doubleParam(String key, double fallback) {
        return param(key, fallback, Number::doubleValue, Double::parseDouble);
    }

    /** A number given as a JSON number or as a non-blank string; {@code fallback} when absent. */
    private <T> T param(String key, T fallback, Function<Number, T> fromNumber, Function<String, T> parse) {
        Object v = params.get(key);
        if (v instanceof Number n) {
            return fromNumber.apply(n);
        }
        if (v instanceof String s && !s.isBlank()) {
            return parse.apply(s.trim());
        }
        return fallback;
    }

    public String stringParam(String key, String fallback) {
        Object v = params.get(key);
        return v == null ? fallback : v.toString();
    }

    /** The fault as the control API shows it: type first, then the parameters. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type.wireName());
        m.putAll(params);
        return m;
    }
}
