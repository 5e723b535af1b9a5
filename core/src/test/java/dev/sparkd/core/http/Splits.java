package dev.sparkd.core.http;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/** The ways the network may cut a stream: a parser must read the same whatever chunks the bytes arrive in. */
final class Splits {
    private Splits() {
    }

    /**
     * Hands {@code check} every cut of {@code bytes} into three chunks in order (any of them empty), with a description
     * of the cut for the assertion message.
     */
    static void everyThreeWay(byte[] bytes, BiConsumer<List<byte[]>, String> check) {
        for (int a = 0; a <= bytes.length; a++) {
            for (int b = a; b <= bytes.length; b++) {
                check.accept(List.of(Arrays.copyOfRange(bytes, 0, a), Arrays.copyOfRange(bytes, a, b),
                        Arrays.copyOfRange(bytes, b, bytes.length)), "split at %d/%d".formatted(a, b));
            }
        }
    }
}
