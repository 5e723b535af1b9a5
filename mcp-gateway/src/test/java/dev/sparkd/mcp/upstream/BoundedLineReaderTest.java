package dev.sparkd.mcp.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {
    final List<String> lines = new ArrayList<>();
    final List<String> skipped = new ArrayList<>();

    void read(InputStream in, int max) throws IOException {
        new BoundedLineReader(in, max).run(new BoundedLineReader.Sink() {
            @Override
            public void line(String line) {
                lines.add(line);
            }

            @Override
            public void tooLong(long length, String head, String tail) {
                skipped.add(length + "|" + head.substring(0, Math.min(10, head.length())) + "|" + tail.substring(Math.max(0, tail.length() - 10)));
            }
        });
    }

    @Test
    void linesWithinTheLimitPassWholeAndALongerOneIsSkippedToItsNewline() throws IOException {
        String longLine = "{\"a\":\"" + "x".repeat(100_000) + "\",\"id\":7}";
        read(new ByteArrayInputStream(("first\r\n\n" + longLine + "\nlast").getBytes(StandardCharsets.UTF_8)), 1000);

        assertThat(lines).containsExactly("first", "last");
        assertThat(skipped).containsExactly(longLine.length() + "|{\"a\":\"xxxx|x\",\"id\":7}");
    }

    @Test
    void aLineThatNeverEndsCostsABoundedBuffer() throws IOException {
        long size = 200L * 1000 * 1000; // 200 MB of one line, generated as it is read: far more than the test heap holds twice
        InputStream endless = new InputStream() {
            long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 'y' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'y');
                left -= n;
                return n;
            }
        };
        read(endless, 64 * 1024);

        assertThat(lines).isEmpty();
        assertThat(skipped).containsExactly(size + "|yyyyyyyyyy|yyyyyyyyyy");
    }
}
