package dev.sparkd.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Small facts about the other end of a connection that several daemons need: whether an address is loopback (for
 * defaults and warnings only: a loopback peer is never a credential, since every local user, container and web page
 * can reach 127.0.0.1), and the request id a caller may hand us.
 */
public final class Peers {
    private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private Peers() {
    }

    /** Whether {@code host} is a loopback address literal or {@code localhost}; no DNS lookup is made. */
    public static boolean isLoopback(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!looksLikeLiteral(h)) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The caller's {@code X-Request-Id} when it is sane (1–128 of {@code [A-Za-z0-9._:-]}), else a new one. */
    public static String requestId(String given) {
        return given != null && SANE_REQUEST_ID.matcher(given).matches() ? given : randomId();
    }

    /** A version-4 UUID from the thread's own generator: a request id only has to tell requests apart in logs, and
     * {@link UUID#randomUUID()}'s shared {@code SecureRandom} was a measurable part of each proxied request. */
    private static String randomId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L).toString();
    }

    // Only literals reach InetAddress.getByName, which would otherwise resolve names.
    private static boolean looksLikeLiteral(String h) {
        return h.indexOf(':') >= 0 || h.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
