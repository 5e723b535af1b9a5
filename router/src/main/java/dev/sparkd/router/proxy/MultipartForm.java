package dev.sparkd.router.proxy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vertx.core.buffer.Buffer;

/**
 * The text fields of a {@code multipart/form-data} body (RFC 7578), read without copying the file parts, and the same
 * body with one field's value replaced: enough to route an upload by its {@code model} field and pass it on.
 */
final class MultipartForm {
    /** A text field: its value and where the value's bytes sit in the body. */
    record Field(String value, int start, int end) {
    }

    private static final int MAX_TEXT_FIELD = 64 * 1024;

    private MultipartForm() {
    }

    /** The boundary from a {@code multipart/form-data; boundary=…} content type, or null. */
    static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
            return null;
        }
        for (String param : contentType.split(";")) {
            String p = param.strip();
            if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
                String b = p.substring(9);
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                return b.isEmpty() ? null : b;
            }
        }
        return null;
    }

    /** The text fields (parts without a filename) by name; null when the body is not a well-formed form. */
    static Map<String, Field> fields(Buffer body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Field> fields = new LinkedHashMap<>();
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            return null;
        }
        while (true) {
            int lineEnd = pos + delimiter.length;
            if (lineEnd + 2 <= body.length() && body.getByte(lineEnd) == '-' && body.getByte(lineEnd + 1) == '-') {
                return fields; // closing delimiter
            }
            int headersStart = indexOf(body, CRLF, lineEnd);
            if (headersStart < 0) {
                return null;
            }
            headersStart += 2;
            int headersEnd = indexOf(body, CRLFCRLF, headersStart);
            if (headersEnd < 0) {
                return null;
            }
            String headers = body.getString(headersStart, headersEnd, "ISO-8859-1");
            int valueStart = headersEnd + 4;
            int next = indexOf(body, delimiter, valueStart);
            if (next < 0) {
                return null;
            }
            int valueEnd = next - 2; // the CRLF before the delimiter belongs to it
            String disposition = header(headers, "content-disposition");
            String name = disposition == null ? null : param(disposition, "name");
            if (name != null && param(disposition, "filename") == null && valueEnd >= valueStart && valueEnd - valueStart <= MAX_TEXT_FIELD) {
                fields.putIfAbsent(name, new Field(body.getString(valueStart, valueEnd, "UTF-8"), valueStart, valueEnd));
            }
            pos = next;
        }
    }

    /** The body with {@code field}'s value replaced. */
    static Buffer replace(Buffer body, Field field, String value) {
        Buffer out = Buffer.buffer(body.length() + value.length());
        out.appendBuffer(body, 0, field.start());
        out.appendString(value, "UTF-8");
        out.appendBuffer(body, field.end(), body.length() - field.end());
        return out;
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    private static String header(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    private static String param(String disposition, String name) {
        for (String p : disposition.split(";")) {
            String s = p.strip();
            int eq = s.indexOf('=');
            if (eq > 0 && s.substring(0, eq).strip().equalsIgnoreCase(name)) {
                String v = s.substring(eq + 1).strip();
                return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    private static int indexOf(Buffer b, byte[] needle, int from) {
        int last = b.length() - needle.length;
        outer:
        for (int i = Math.max(0, from); i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
