package dev.sparkd.core.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the short-lived PostgreSQL tools (initdb, pg_ctl, postgres --single) and collects their output. */
final class Commands {

    /** Enough to show the end of an initdb or postgres error; older output is dropped. */
    private static final int MAX_OUTPUT_CHARS = 16 * 1024;

    /** What a finished command returned. */
    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }

        /** The last lines of the output, for error messages. */
        String tail(int lines) {
            return Commands.tail(output, lines);
        }
    }

    private Commands() {
    }

    /**
     * Runs a command to completion. Blocking: callers must not be on an event-loop thread.
     *
     * @param stdin written to the command's standard input, then closed; may be {@code null}
     */
    static Result run(List<String> command, Duration timeout, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        cleanEnvironment(builder.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not run " + command.get(0) + ": " + e.getMessage(), e);
        }
        // Output is read on its own thread: a tool that forks (pg_ctl) may leave a grandchild holding
        // the pipe open, so waiting for end-of-stream on the calling thread could hang forever.
        OutputCollector collector = new OutputCollector(process.getInputStream());
        Thread reader = new Thread(collector, "sparkd-postgres-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The command exited before reading its input; its exit code and output tell why.
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new EmbeddedPostgresException(command.get(0) + " did not finish within " + timeout.toSeconds()
                        + " s; output so far:\n" + tail(collector.text(), 20));
            }
            reader.join(2_000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new EmbeddedPostgresException("interrupted while waiting for " + command.get(0), e);
        }
        return new Result(process.exitValue(), collector.text());
    }

    /**
     * Makes the environment of a PostgreSQL tool predictable: PG* variables (PGDATA, PGPORT, PGOPTIONS, …)
     * would silently change what initdb, pg_ctl and postgres do, and English messages let us recognise
     * errors such as "Address already in use".
     */
    static void cleanEnvironment(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith("PG"));
        environment.put("LC_ALL", "C");
    }

    static String tail(String text, int lines) {
        String[] all = text.strip().split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", List.of(all).subList(from, all.length));
    }

    /** Keeps the last {@link #MAX_OUTPUT_CHARS} characters of a stream. */
    private static final class OutputCollector implements Runnable {
        private final InputStream stream;
        private final StringBuilder text = new StringBuilder();

        OutputCollector(InputStream stream) {
            this.stream = stream;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[4096];
            try (stream) {
                int n;
                while ((n = stream.read(buffer)) >= 0) {
                    append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The process is gone; what we have is all there is.
            }
        }

        private synchronized void append(String chunk) {
            text.append(chunk);
            if (text.length() > MAX_OUTPUT_CHARS) {
                text.delete(0, text.length() - MAX_OUTPUT_CHARS);
            }
        }

        synchronized String text() {
            return text.toString();
        }
    }
}
