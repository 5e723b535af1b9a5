package dev.sparkd.core.queue;

import java.util.UUID;

/**
 * An entry with the id it keeps from the moment it is recorded until it is stored: writing it a second time (a replay
 * after an insert whose outcome was unknown) finds the id taken and inserts nothing.
 */
public record Keyed<T>(UUID id, T entry) {
    public static <T> Keyed<T> of(T entry) {
        return new Keyed<>(EntryIds.next(), entry);
    }
}
