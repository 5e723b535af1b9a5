package dev.sparkd.core.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.ToLongFunction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * How a {@link WriteBehindQueue}'s entries are written to its spill file: one line each (no newline inside), and read
 * back. The line's length is also what the queue counts against its memory bound.
 */
public interface Codec<T> {
    String encode(T entry);

    T decode(String line);

    /** What an entry counts against its queue's memory bound: its encoded length, unless the codec has an estimate. */
    default long weight(T entry) {
        return encode(entry).length();
    }

    /**
     * This codec, with entries weighed by {@code estimate} instead of being encoded: a queue weighs every entry it is
     * offered, on the caller's thread (for the router, each request's event loop), and most entries are written to
     * the database without ever being encoded.
     */
    default Codec<T> weighedBy(ToLongFunction<T> estimate) {
        Codec<T> codec = this;
        return new Codec<>() {
            @Override
            public String encode(T entry) {
                return codec.encode(entry);
            }

            @Override
            public T decode(String line) {
                return codec.decode(line);
            }

            @Override
            public long weight(T entry) {
                return estimate.applyAsLong(entry);
            }
        };
    }

    /** Entries as one line of JSON each (Jackson escapes every control character, newlines included). */
    static <T> Codec<T> json(JavaType type) {
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        return new Codec<>() {
            @Override
            public String encode(T entry) {
                try {
                    return mapper.writerFor(type).writeValueAsString(entry);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("cannot encode " + type + ": " + e.getOriginalMessage(), e);
                }
            }

            @Override
            public T decode(String line) {
                try {
                    return mapper.readValue(line, type);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot decode a spilled " + type.getRawClass().getSimpleName(), e);
                }
            }
        };
    }

    /** Entries of a plain class or record as one line of JSON each. */
    static <T> Codec<T> json(Class<T> type) {
        return json(new ObjectMapper().constructType(type));
    }
}
