package dev.sparkd.models.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.OperationView;
import dev.sparkd.core.config.ByteSizes;

/**
 * Shows operations on the command line: a live progress bar redrawn in place when attached to a terminal, plain
 * event lines (and a progress line every 10 %) when not.
 */
public final class TerminalProgress implements Operation.OperationListener {
    private final PrintStream out;
    private final boolean tty;
    private final Map<String, Integer> lastDecile = new ConcurrentHashMap<>();
    private long lastDraw;

    public TerminalProgress(PrintStream out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    @Override
    public synchronized void event(Operation op, Operation.Event e) {
        if (tty) {
            out.print("\r\033[K");
        }
        out.println(op.service() + " " + op.kind() + " " + op.subject() + ": " + e.message());
    }

    @Override
    public synchronized void progress(Operation op, long newBytes) {
        OperationView v = op.view();
        if (v.bytesTotal() <= 0) {
            return;
        }
        int pct = (int) (100 * v.bytesDone() / v.bytesTotal());
        if (tty) {
            long now = System.nanoTime();
            if (now - lastDraw < 100_000_000L && pct < 100) {
                return;
            }
            lastDraw = now;
            int width = 30;
            int filled = pct * width / 100;
            out.print("\r\033[K" + op.subject() + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + pct + "% "
                    + ByteSizes.format(v.bytesDone()) + " / " + ByteSizes.format(v.bytesTotal())
                    + (v.rateBytesPerSecond() > 0 ? " " + ByteSizes.format(v.rateBytesPerSecond()) + "/s" : "")
                    + (v.etaSeconds() != null ? " ETA " + v.etaSeconds() + " s" : ""));
            out.flush();
        } else {
            int decile = pct / 10;
            Integer before = lastDecile.put(op.id(), decile);
            if (before == null || before != decile) {
                out.println(op.service() + " " + op.kind() + " " + op.subject() + ": " + pct + "% (" + ByteSizes.format(v.bytesDone()) + " of "
                        + ByteSizes.format(v.bytesTotal()) + ")");
            }
        }
    }
}
