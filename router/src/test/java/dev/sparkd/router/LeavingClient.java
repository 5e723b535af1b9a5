package dev.sparkd.router;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** A client that posts a streaming chat request over a raw socket and hangs up as soon as the first chunk arrives. */
public final class LeavingClient {
    private LeavingClient() {
    }

    /**
     * @param headers        extra header lines, each ending in {@code \r\n} (may be empty)
     * @param whileConnected called with what arrived (status line, headers, first chunk) before the client hangs up
     */
    public static void postAndLeave(int port, String headers, String body, Consumer<String> whileConnected) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + headers
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (!seen.toString().contains("chat.completion.chunk")) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new EOFException("the router answered before the client left: " + seen);
                }
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            whileConnected.accept(seen.toString());
        }
    }
}
