package dev.sparkd.mcp.upstream;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The MCP stdio transport (newline-delimited JSON-RPC) for a child process the gateway owns. Unlike the SDK's own
 * transport it starts the child in a new session ({@code setsid}) with a scrubbed environment and a working directory,
 * sends stderr to the log, reports an unexpected exit, and on close follows the spec's shutdown order — close stdin,
 * wait, SIGTERM, SIGKILL — for the whole process group.
 * <p>
 * Process I/O is blocking and lasts as long as the process: stdout and stderr are each read by a dedicated daemon
 * thread (a pooled worker would be held for the life of the server, and Vert.x would report it as blocked), and stdin
 * is written by one single-thread executor so that messages keep their order. None of it touches an event loop.
 */
public final class StdioTransport implements McpClientTransport {
    private static final Logger LOG = Logger.getLogger(StdioTransport.class);
    /** A stderr line is logged up to this many bytes; the rest is skipped, not buffered. */
    static final int MAX_STDERR_LINE = 2000;
    /** A JSON-RPC id in the first bytes of a message, before its result (Python SDK, most servers). */
    private static final Pattern ID_FIRST = Pattern.compile(
            "^\\s*\\{\\s*(?:\"jsonrpc\"\\s*:\\s*\"[^\"]*\"\\s*,\\s*)?\"id\"\\s*:\\s*(-?\\d+|\"(?:[^\"\\\\]|\\\\.)*\")");
    /** A JSON-RPC id at the end of a message, after its result (the TypeScript SDK writes {result, jsonrpc, id}). */
    private static final Pattern ID_LAST = Pattern.compile(
            "\"id\"\\s*:\\s*(-?\\d+|\"(?:[^\"\\\\]|\\\\.)*\")\\s*(?:,\\s*\"jsonrpc\"\\s*:\\s*\"[^\"]*\"\\s*)?}\\s*$");

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Optional<Path> workingDir;
    private final McpJsonMapper json;
    private final Consumer<Integer> onUnexpectedExit;
    private final int maxMessageBytes;
    private final ExecutorService writer;
    private volatile Process process;
    private volatile boolean closing;
    private final CompletableFuture<BufferedWriter> stdin = new CompletableFuture<>();
    private final AtomicBoolean stopped = new AtomicBoolean();

    /** @param maxMessageBytes the largest message read from the server; a larger one is skipped ({@link #tooLarge}) */
    public StdioTransport(String name, List<String> command, Map<String, String> env, Optional<Path> workingDir,
            McpJsonMapper json, Consumer<Integer> onUnexpectedExit, int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.name = name;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.workingDir = workingDir;
        this.json = json;
        this.onUnexpectedExit = onUnexpectedExit;
        this.writer = Executors.newSingleThreadExecutor(r -> daemon(r, "mcp-" + name + "-stdin"));
    }

    /** The child's PID (also its process group id), or -1 before start. */
    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return Mono.<Void>fromRunnable(() -> start(handler)).subscribeOn(Schedulers.boundedElastic());
    }

    private void start(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        List<String> argv = new ArrayList<>();
        if (ProcessGroup.setsidAvailable()) {
            argv.add(ProcessGroup.SETSID.toString());
        }
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().putAll(env);
        workingDir.ifPresent(d -> pb.directory(d.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            IllegalStateException failure = new IllegalStateException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
            stdin.completeExceptionally(failure);
            throw failure;
        }
        Process p = process;
        stdin.complete(new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)));
        LOG.infof("upstream %s: started pid %d: %s", name, p.pid(), String.join(" ", command));
        Thread out = new Thread(() -> readStdout(p, handler), "mcp-" + name + "-stdout");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> readStderr(p), "mcp-" + name + "-stderr");
        err.setDaemon(true);
        err.start();
        p.onExit().thenAccept(done -> {
            if (!closing) {
                LOG.warnf("upstream %s: process %d exited with %d", name, done.pid(), done.exitValue());
                onUnexpectedExit.accept(done.exitValue());
            }
        });
    }

    private void readStdout(Process p, Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        try (var in = p.getInputStream()) {
            new BoundedLineReader(in, maxMessageBytes).run(new BoundedLineReader.Sink() {
                @Override
                public void line(String line) {
                    McpSchema.JSONRPCMessage message;
                    try {
                        message = McpSchema.deserializeJsonRpcMessage(json, line);
                    } catch (IOException | IllegalArgumentException e) {
                        LOG.warnf("upstream %s: not a JSON-RPC message on stdout (%s)", name, e.getClass().getSimpleName());
                        return;
                    }
                    deliver(handler, message);
                }

                @Override
                public void tooLong(long length, String head, String tail) {
                    McpSchema.JSONRPCMessage error = tooLarge(length, head, tail);
                    LOG.warnf("upstream %s: skipped a %d-byte message (limit %d)%s", name, length, maxMessageBytes,
                            error == null ? "; it named no request id, so no caller can be told" : "");
                    if (error != null) {
                        deliver(handler, error);
                    }
                }
            });
        } catch (IOException e) {
            if (!closing) {
                LOG.debugf("upstream %s: stdout closed: %s", name, e.getMessage());
            }
        }
    }

    private void deliver(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler, McpSchema.JSONRPCMessage message) {
        handler.apply(Mono.just(message)).subscribe(null, e -> LOG.debugf("upstream %s: handling a message failed: %s", name, e.getMessage()));
    }

    /**
     * In place of a message too large to read: a JSON-RPC error answering the request it answered (its id found at the
     * start or the end of the skipped line), so the caller gets "result too large" at once; null when no id was found.
     */
    McpSchema.JSONRPCMessage tooLarge(long length, String head, String tail) {
        Matcher m = ID_FIRST.matcher(head);
        String id = m.find() ? m.group(1) : null;
        if (id == null) {
            m = ID_LAST.matcher(tail);
            id = m.find() ? m.group(1) : null;
        }
        if (id == null) {
            return null;
        }
        String message = UpstreamTransports.tooLargeMessage(name, length, false, maxMessageBytes);
        String error = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":" + McpSchema.ErrorCodes.INTERNAL_ERROR
                + ",\"message\":\"" + message + "\"}}";
        try {
            return McpSchema.deserializeJsonRpcMessage(json, error);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private void readStderr(Process p) {
        try (var in = p.getErrorStream()) {
            new BoundedLineReader(in, MAX_STDERR_LINE).run(new BoundedLineReader.Sink() {
                @Override
                public void line(String line) {
                    LOG.infof("upstream %s stderr: %s", name, line);
                }

                @Override
                public void tooLong(long length, String head, String tail) {
                    LOG.infof("upstream %s stderr: %s… (%d bytes in all)", name, head.length() > MAX_STDERR_LINE
                            ? head.substring(0, MAX_STDERR_LINE) : head, length);
                }
            });
        } catch (IOException e) {
            // process gone
        }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        // messages sent before the process is up wait for it; writes happen in order on the writer thread
        return Mono.fromFuture(() -> stdin.thenAcceptAsync(w -> {
            try {
                String line = json.writeValueAsString(message);
                w.write(line);
                w.write('\n');
                w.flush();
            } catch (IOException e) {
                throw new IllegalStateException("upstream " + name + ": cannot write to stdin: " + e.getMessage(), e);
            }
        }, writer));
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.<Void>fromRunnable(this::stop).subscribeOn(Schedulers.boundedElastic());
    }

    /** Close stdin, give the server a moment to exit on its own, then end its whole process group. Blocking. */
    public void stop() {
        closing = true;
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        stdin.completeExceptionally(new IllegalStateException("upstream " + name + " is stopped"));
        Process p = process;
        if (p != null) {
            try {
                BufferedWriter w = stdin.getNow(null);
                if (w != null) {
                    w.close();
                }
            } catch (IOException | RuntimeException e) {
                // already closed
            }
            try {
                p.waitFor(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ProcessGroup.terminate(p.toHandle(), ProcessGroup.setsidAvailable(), Duration.ofSeconds(3));
            LOG.infof("upstream %s: process %d stopped", name, p.pid());
        }
        writer.shutdownNow();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
