package dev.sparkd.simulator.ssh;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's {@code text/tabwriter} as docker configures it for tables ({@code NewWriter(out, 10, 1, 3, ' ', 0)}): each
 * tab-terminated cell is padded to max(10, widest cell + 3); the text after the last tab of a line is not padded.
 */
final class TabWriter {
    private static final int MIN_WIDTH = 10;
    private static final int PADDING = 3;

    private TabWriter() {
    }

    static String format(List<String> lines) {
        List<String[]> cells = new ArrayList<>();
        int columns = 0;
        for (String line : lines) {
            String[] c = line.split("\t", -1);
            cells.add(c);
            columns = Math.max(columns, c.length);
        }
        int[] width = new int[columns];
        for (String[] row : cells) {
            for (int i = 0; i < row.length - 1; i++) {
                width[i] = Math.max(width[i], Math.max(MIN_WIDTH, row[i].codePointCount(0, row[i].length()) + PADDING));
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                out.append(row[i]);
                if (i < row.length - 1) {
                    out.append(" ".repeat(width[i] - row[i].codePointCount(0, row[i].length())));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }
}
