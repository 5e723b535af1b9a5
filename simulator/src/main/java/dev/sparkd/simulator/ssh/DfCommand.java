package dev.sparkd.simulator.ssh;

import dev.sparkd.simulator.host.Disk;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code df} (GNU coreutils 9.x) for the one filesystem of a simulated host. Matches the real tool where scripts notice:
 * the {@code --output} field names and header words ({@code Filesystem 1B-blocks Used Avail Use% Mounted on}; the
 * default layout says {@code Available}), column alignment (source padded to 14, text left, numbers right, one space
 * between columns, no padding after the last one), block counts rounded up, {@code Use%} = ceil(used / (used + avail)),
 * a {@code df: PATH: No such file or directory} per missing path with exit 1 and no header when nothing is left to show.
 * Messages use the curly quotes coreutils prints under a UTF-8 locale, as on DGX OS.
 *
 * <p>Paths that exist: the models directory, anything under it, and its ancestors (all on the one filesystem).
 */
final class DfCommand {
    private static final List<String> ALL = List.of("source", "fstype", "itotal", "iused", "iavail", "ipcent", "size",
            "used", "avail", "pcent", "file", "target");
    private static final long BYTES_PER_INODE = 16_384;

    private final Disk disk;
    private final SshHost.Mount mount;

    private java.util.function.Predicate<String> created = p -> false;

    /** Directories made over SSH ({@code mkdir -p}) exist on this filesystem too. */
    DfCommand createdDirectories(java.util.function.Predicate<String> isDirectory) {
        this.created = isDirectory;
        return this;
    }

    DfCommand(Disk disk, SshHost.Mount mount) {
        this.disk = disk;
        this.mount = mount;
    }

    ExecResult run(List<String> args) {
        long blockSize = 1024;
        String blockHeader = "1K-blocks";
        List<String> fields = null;
        List<String> paths = new ArrayList<>();
        boolean options = true;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!options || !a.startsWith("-") || a.equals("-")) {
                paths.add(a);
                continue;
            }
            String size = null;
            if (a.equals("--")) {
                options = false;
            } else if (a.equals("-k")) {
                size = "1K";
            } else if (a.equals("-B") || a.equals("--block-size")) {
                if (i + 1 >= args.size()) {
                    return usage("option requires an argument -- 'B'");
                }
                size = args.get(++i);
            } else if (a.startsWith("-B")) {
                size = a.substring(2);
            } else if (a.startsWith("--block-size=")) {
                size = a.substring("--block-size=".length());
            } else if (a.equals("--output")) {
                fields = ALL;
            } else if (a.startsWith("--output=")) {
                fields = new ArrayList<>();
                for (String f : a.substring("--output=".length()).split(",")) {
                    if (!ALL.contains(f)) {
                        return usage("option --output: field \u2018" + f + "\u2019 unknown");
                    }
                    if (fields.contains(f)) {
                        return usage("option --output: field \u2018" + f + "\u2019 used more than once");
                    }
                    fields.add(f);
                }
            } else if (a.startsWith("--")) {
                return usage("unrecognized option '" + a + "'");
            } else {
                return usage("invalid option -- '" + a.charAt(1) + "'");
            }
            if (size != null) {
                long parsed = blockSize(size);
                if (parsed <= 0) {
                    return new ExecResult(1, "", "df: invalid -B argument \u2018" + size + "\u2019\n");
                }
                blockSize = parsed;
                blockHeader = parsed == 1024 ? "1K-blocks" : size.matches("\\d+") ? size + "B-blocks" : headerFor(size);
            }
        }
        boolean defaultLayout = fields == null;
        if (defaultLayout) {
            fields = List.of("source", "size", "used", "avail", "pcent", "target");
        }
        if (paths.isEmpty()) {
            paths.add(mount.target());
        }
        StringBuilder err = new StringBuilder();
        List<List<String>> rows = new ArrayList<>();
        for (String path : paths) {
            if (!exists(path)) {
                err.append("df: ").append(path).append(": No such file or directory\n");
                continue;
            }
            rows.add(row(fields, path, blockSize));
        }
        if (rows.isEmpty()) {
            return new ExecResult(1, "", err.toString());
        }
        List<String> header = new ArrayList<>();
        for (String f : fields) {
            header.add(header(f, blockHeader, defaultLayout));
        }
        rows.add(0, header);
        return new ExecResult(err.length() == 0 ? 0 : 1, render(fields, rows), err.toString());
    }

    private List<String> row(List<String> fields, String path, long blockSize) {
        long total = disk.total();
        long used = disk.used();
        long avail = disk.free();
        long inodes = total / BYTES_PER_INODE;
        long inodesUsed = Math.min(inodes, used / (4 * BYTES_PER_INODE) + 1_000);
        List<String> row = new ArrayList<>();
        for (String f : fields) {
            row.add(switch (f) {
                case "source" -> mount.source();
                case "fstype" -> mount.fstype();
                case "itotal" -> Long.toString(inodes);
                case "iused" -> Long.toString(inodesUsed);
                case "iavail" -> Long.toString(inodes - inodesUsed);
                case "ipcent" -> percent(inodesUsed, inodes - inodesUsed);
                case "size" -> Long.toString(ceilDiv(total, blockSize));
                case "used" -> Long.toString(ceilDiv(used, blockSize));
                case "avail" -> Long.toString(ceilDiv(avail, blockSize));
                case "pcent" -> percent(used, avail);
                case "file" -> path;
                case "target" -> mount.target();
                default -> throw new IllegalStateException(f);
            });
        }
        return row;
    }

    private static String render(List<String> fields, List<List<String>> rows) {
        int[] width = new int[fields.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = fields.get(c).equals("source") ? 14 : fields.get(c).equals("fstype") ? 4 : 0;
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> r : rows) {
            for (int c = 0; c < width.length; c++) {
                boolean last = c == width.length - 1;
                String v = r.get(c);
                if (leftAligned(fields.get(c))) {
                    out.append(last ? v : pad(v, width[c], false));
                } else {
                    out.append(pad(v, width[c], true));
                }
                if (!last) {
                    out.append(' ');
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static boolean leftAligned(String field) {
        return field.equals("source") || field.equals("fstype") || field.equals("file") || field.equals("target");
    }

    private static String pad(String v, int width, boolean left) {
        String spaces = " ".repeat(Math.max(0, width - v.length()));
        return left ? spaces + v : v + spaces;
    }

    private static String header(String field, String blockHeader, boolean defaultLayout) {
        return switch (field) {
            case "source" -> "Filesystem";
            case "fstype" -> "Type";
            case "itotal" -> "Inodes";
            case "iused" -> "IUsed";
            case "iavail" -> "IFree";
            case "ipcent" -> "IUse%";
            case "size" -> blockHeader;
            case "used" -> "Used";
            case "avail" -> defaultLayout ? "Available" : "Avail";
            case "pcent" -> "Use%";
            case "file" -> "File";
            case "target" -> "Mounted on";
            default -> throw new IllegalStateException(field);
        };
    }

    /** coreutils rounds the percentage up and prints {@code -} when the filesystem has no blocks at all. */
    private static String percent(long used, long avail) {
        long total = used + avail;
        return total == 0 ? "-" : ceilDiv(used * 100, total) + "%";
    }

    private boolean exists(String path) {
        String p = normalise(path);
        String root = normalise(disk.path());
        return created.test(p) || p.equals(root) || p.startsWith(root.equals("/") ? "/" : root + "/") || root.startsWith(p.equals("/") ? "/" : p + "/");
    }

    private static String normalise(String path) {
        String p = path.replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static long blockSize(String spec) {
        String s = spec.toUpperCase(Locale.ROOT);
        long unit = 1;
        String digits = s;
        for (String[] suffix : new String[][] {{"KB", "1000"}, {"MB", "1000000"}, {"GB", "1000000000"}, {"K", "1024"},
                {"M", "1048576"}, {"G", "1073741824"}}) {
            if (s.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                digits = s.substring(0, s.length() - suffix[0].length());
                break;
            }
        }
        if (digits.isEmpty()) {
            return unit;
        }
        try {
            return Long.parseLong(digits) * unit;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String headerFor(String spec) {
        String s = spec.toUpperCase(Locale.ROOT);
        return (Character.isDigit(s.charAt(0)) ? s : "1" + s) + "-blocks";
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static ExecResult usage(String message) {
        return new ExecResult(1, "", "df: " + message + "\nTry 'df --help' for more information.\n");
    }
}
