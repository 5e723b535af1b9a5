package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code keep_alive} request field: how long Ollama keeps the model loaded afterwards. Ollama
 * (api/types.go {@code Duration.UnmarshalJSON}) takes a number of seconds or a Go duration string;
 * a negative value means forever, zero unloads at once.
 *
 * @param wire the JSON value sent: whole seconds ({@link Long}), fractional seconds
 *     ({@link BigDecimal}) or a Go duration string
 */
public record KeepAlive(@JsonValue Object wire) {

    private static final Pattern GO_DURATION = Pattern.compile("-?(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+");

    /** Validates the wire value. */
    public KeepAlive {
        Objects.requireNonNull(wire, "wire");
        if (!(wire instanceof Long) && !(wire instanceof BigDecimal) && !(wire instanceof String)) {
            throw new IllegalArgumentException("keep_alive must be seconds or a duration string");
        }
    }

    /** Keep the model loaded for this long after the request. */
    public static KeepAlive of(Duration duration) {
        if (duration.isNegative()) {
            return forever();
        }
        long millis = duration.toMillis();
        if (millis % 1000 == 0) {
            return new KeepAlive(millis / 1000);
        }
        // Plain decimal, never "6E+2": Go accepts both, but people read these in logs.
        return new KeepAlive(new BigDecimal(BigDecimal.valueOf(millis).movePointLeft(3).stripTrailingZeros().toPlainString()));
    }

    /** Never unload the model. */
    public static KeepAlive forever() {
        return new KeepAlive(-1L);
    }

    /** Unload the model as soon as the request is done (also unloads it without a prompt). */
    public static KeepAlive unloadNow() {
        return new KeepAlive(0L);
    }

    /** A Go duration string such as {@code "10m"} or {@code "1h30m"}, as in Ollama's own docs. */
    public static KeepAlive parse(String goDuration) {
        if (goDuration == null || !GO_DURATION.matcher(goDuration.strip()).matches()) {
            throw new IllegalArgumentException("not a Go duration (e.g. \"5m\", \"1h30m\"): " + goDuration);
        }
        return new KeepAlive(goDuration.strip());
    }
}
