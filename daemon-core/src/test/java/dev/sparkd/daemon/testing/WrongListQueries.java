package dev.sparkd.daemon.testing;

import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.function.Supplier;

import io.restassured.specification.RequestSpecification;

/**
 * The malformed, overflowing and oversized {@code since} and {@code limit} values of the history lists
 * ({@code dev.sparkd.daemon.api.ListQuery}), sent to a daemon's endpoint: each answers 400 with ListQuery's message,
 * not 404 (an unparsed JAX-RS parameter) or 500 (a year PostgreSQL refuses); a query longer than the request line the
 * edge reads answers 414.
 */
public final class WrongListQueries {
    public static final List<String> SINCES = List.of("yesterday", "2020-13-01", "1000000000000d", "+999999999-01-01T00:00:00Z",
            "x".repeat(1_000));
    public static final List<String> LIMITS = List.of("abc", "0", "1001", "99999999999", "9".repeat(1_000));

    private WrongListQueries() {
    }

    /** Sends every wrong {@code since} (and, when the endpoint has one, every wrong {@code limit}) to {@code path}. */
    public static void answer400(Supplier<RequestSpecification> request, String path, boolean hasLimit) {
        for (String since : SINCES) {
            request.get().queryParam("since", since).get(path).then().statusCode(400)
                    .body("error.message", startsWith("since must be an RFC 3339 time"));
        }
        for (String limit : hasLimit ? LIMITS : List.<String> of()) {
            request.get().queryParam("limit", limit).get(path).then().statusCode(400)
                    .body("error.message", startsWith("limit must be a number from 1 to 1000"));
        }
        request.get().queryParam("since", "9".repeat(10_000)).get(path).then().statusCode(414);
    }
}
