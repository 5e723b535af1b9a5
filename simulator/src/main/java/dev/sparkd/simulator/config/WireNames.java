package dev.sparkd.simulator.config;

import java.util.Locale;
import java.util.Optional;

/** Enum constants as the simulator's TOML and control API write them: the constant's name in lower case. */
public final class WireNames {
    private WireNames() {
    }

    public static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose wire name is {@code text}. */
    public static <E extends Enum<E>> Optional<E> find(E[] constants, String text) {
        for (E constant : constants) {
            if (of(constant).equals(text)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }
}
