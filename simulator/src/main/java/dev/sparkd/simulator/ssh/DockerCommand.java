package dev.sparkd.simulator.ssh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.host.Container;
import dev.sparkd.simulator.host.ContainerBackend;
import dev.sparkd.simulator.host.HostFiles;
import dev.sparkd.simulator.host.Images;
import dev.sparkd.simulator.host.Containers;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The docker CLI subset a model manager drives over SSH: {@code run}, {@code ps}, {@code inspect}, {@code stop},
 * {@code rm}, {@code logs} (also as {@code docker container …}). Messages and exit statuses follow docker CLI 28/29 as
 * seen in public transcripts: daemon errors start {@code Error response from daemon:}, {@code docker run} errors start
 * {@code docker:} and exit 125, a missing object on {@code inspect} prints {@code []} and
 * {@code Error: No such object: X} with exit 1.
 */
final class DockerCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CREATED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final String DEFAULT_TABLE = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
    private static final Map<String, String> HEADERS = Map.ofEntries(Map.entry("ID", "CONTAINER ID"),
            Map.entry("Image", "IMAGE"), Map.entry("Command", "COMMAND"), Map.entry("CreatedAt", "CREATED AT"),
            Map.entry("RunningFor", "CREATED"), Map.entry("Ports", "PORTS"), Map.entry("State", "STATE"),
            Map.entry("Status", "STATUS"), Map.entry("Size", "SIZE"), Map.entry("Names", "NAMES"),
            Map.entry("Labels", "LABELS"), Map.entry("Mounts", "MOUNTS"), Map.entry("Networks", "NETWORKS"),
            Map.entry("LocalVolumes", "LOCAL VOLUMES"));
    private static final String[] ADJECTIVES = {"eager", "quiet", "brave", "clever", "gentle", "lucid", "nimble", "vivid"};
    private static final String[] NAMES = {"turing", "hopper", "lovelace", "noether", "shannon", "dijkstra", "curie", "knuth"};

    private final Containers containers;
    private final ContainerBackend backend;
    private final HostFiles files;
    private final SecureRandom random = new SecureRandom();
    /** What {@code docker run} was given, per container id; containers created elsewhere get defaults. */
    private final Map<String, DockerRun> runs = new ConcurrentHashMap<>();

    DockerCommand(Containers containers, ContainerBackend backend, HostFiles files) {
        this.containers = containers;
        this.backend = backend;
        this.files = files;
    }

    ExecResult run(List<String> args) throws InterruptedException {
        return run(args, "root");
    }

    /** Runs as the SSH user {@code user}: relative {@code --env-file} paths are read from that user's home. */
    ExecResult run(List<String> args, String user) throws InterruptedException {
        if (args.isEmpty()) {
            return ExecResult.error(1, "Usage:  docker [OPTIONS] COMMAND\n");
        }
        List<String> rest = args.subList(1, args.size());
        String sub = args.get(0);
        if (sub.equals("container") && !rest.isEmpty()) {
            sub = switch (rest.get(0)) {
                case "ls", "list" -> "ps";
                default -> rest.get(0);
            };
            rest = rest.subList(1, rest.size());
            if (sub.equals("inspect")) {
                return inspect(rest, "container");
            }
        }
        if (sub.equals("image") && !rest.isEmpty()) {
            sub = "image " + rest.get(0);
            rest = rest.subList(1, rest.size());
        }
        return switch (sub) {
            case "run" -> runContainer(rest, user);
            case "ps" -> ps(rest);
            case "inspect" -> inspect(rest, "object");
            case "stop", "kill" -> stop(rest);
            case "rm" -> rm(rest);
            case "logs" -> logs(rest);
            case "pull", "image pull" -> pullCommand(rest);
            case "image inspect" -> imageInspect(rest);
            default -> ExecResult.error(1, "docker: unknown command: docker " + sub + "\n\nRun 'docker --help' for more information\n");
        };
    }

    // ---- run ----

    private ExecResult runContainer(List<String> args, String user) throws InterruptedException {
        DockerRun run;
        try {
            run = DockerRun.parse(args);
        } catch (DockerRun.UsageError e) {
            return ExecResult.error(125, "docker: " + e.getMessage() + "\n\nRun 'docker run --help' for more information\n");
        }
        if (!run.envFiles().isEmpty()) {
            // the docker CLI reads --env-file itself, before -e (which wins)
            Map<String, String> merged = new LinkedHashMap<>();
            for (String f : run.envFiles()) {
                Optional<HostFiles.File> file = files.read(HostFiles.resolve(user, f));
                if (file.isEmpty()) {
                    return ExecResult.error(125, "docker: open " + f + ": no such file or directory\n\n"
                            + "Run 'docker run --help' for more information\n");
                }
                for (String line : file.get().text().split("\n")) {
                    String l = line.strip();
                    if (l.isEmpty() || l.startsWith("#")) {
                        continue;
                    }
                    int eq = l.indexOf('=');
                    if (eq > 0) {
                        merged.put(l.substring(0, eq), l.substring(eq + 1));
                    }
                }
            }
            merged.putAll(run.env());
            run = run.withEnv(merged);
        }
        String pulled = "";
        if (!containers.images().has(run.image())) {
            // docker run pulls a missing image first, progress on stderr
            pulled = "Unable to find image '" + run.image() + "' locally\n" + pull(run.image());
        }
        String name = run.name() != null ? run.name() : ADJECTIVES[random.nextInt(ADJECTIVES.length)] + "_"
                + NAMES[random.nextInt(NAMES.length)];
        String id = HexFormat.of().formatHex(bytes(32));
        Container container = new Container(id, run.spec(name));
        synchronized (containers) {
            Optional<Container> existing = containers.byName(name);
            if (existing.isPresent()) {
                return ExecResult.error(125, "docker: Error response from daemon: Conflict. The container name \"/" + name
                        + "\" is already in use by container \"" + existing.get().id()
                        + "\". You have to remove (or rename) that container to be able to reuse that name.\n\n"
                        + "Run 'docker run --help' for more information\n");
            }
            containers.add(container);
            runs.put(id, run);
        }
        for (DockerRun.Publish p : run.publish()) {
            for (Container other : containers.running()) {
                DockerRun o = runOf(other); // containers created elsewhere (a configured vLLM) hold their port too
                if (p.hostPort() != 0 && o.publish().stream().anyMatch(q -> q.hostPort() == p.hostPort())) {
                    // docker creates the container, then fails to start it: it stays in "Created".
                    return ExecResult.error(125, "docker: Error response from daemon: driver failed programming external "
                            + "connectivity on endpoint " + name + " (" + id + "): Bind for "
                            + (p.hostIp().isEmpty() ? "0.0.0.0" : p.hostIp()) + ":" + p.hostPort()
                            + " failed: port is already allocated\n\nRun 'docker run --help' for more information\n");
                }
            }
        }
        backend.start(container);
        if (run.detach()) {
            return new ExecResult(0, id + "\n", pulled);
        }
        // Attached: docker streams the logs and returns the container's exit status when it ends.
        try {
            while (container.status() != Container.Status.EXITED) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            container.stop(); // the client went away (a remote timeout): the CLI's SIGTERM stops an attached container
            removeIfAutoRemove(container);
            throw e;
        }
        removeIfAutoRemove(container);
        return new ExecResult(container.exitCode(), joinLines(container.logs()), "");
    }

    /** Pulls {@code image} (blocking for the configured time), returning docker's progress output. */
    private String pull(String image) throws InterruptedException {
        Images images = containers.images();
        int colon = image.lastIndexOf(':');
        String repo = colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
        String tag = colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "latest";
        StringBuilder out = new StringBuilder(tag + ": Pulling from " + repo + "\n");
        String[] layers = new String[4];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = HexFormat.of().formatHex(bytes(6));
            out.append(layers[i]).append(": Pulling fs layer\n");
        }
        long perLayer = images.pullMillis() / layers.length;
        long layerBytes = images.imageSize() / layers.length;
        for (String layer : layers) {
            Thread.sleep(Math.max(1, perLayer));
            out.append(layer).append(": Downloading  ").append(human(layerBytes)).append('/').append(human(layerBytes)).append('\n');
            out.append(layer).append(": Pull complete\n");
        }
        images.add(image);
        return out.append("Digest: sha256:").append(HexFormat.of().formatHex(bytes(32))).append('\n')
                .append("Status: Downloaded newer image for ").append(image).append('\n').toString();
    }

    private static String human(long bytes) {
        return bytes >= 1_000_000_000L ? String.format(java.util.Locale.ROOT, "%.2fGB", bytes / 1e9)
                : String.format(java.util.Locale.ROOT, "%.1fMB", bytes / 1e6);
    }

    /** {@code docker pull IMAGE}: progress on stdout; an image already present says so. */
    private ExecResult pullCommand(List<String> args) throws InterruptedException {
        List<String> names = args.stream().filter(a -> !a.startsWith("-")).toList();
        if (names.size() != 1) {
            return ExecResult.error(1, "\"docker pull\" requires exactly 1 argument.\n");
        }
        String image = names.get(0);
        if (containers.images().has(image)) {
            int colon = image.lastIndexOf(':');
            String tag = colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "latest";
            return ExecResult.ok(tag + ": Pulling from " + (colon > image.lastIndexOf('/') ? image.substring(0, colon) : image)
                    + "\nDigest: sha256:" + HexFormat.of().formatHex(bytes(32)) + "\nStatus: Image is up to date for " + image + "\n");
        }
        return ExecResult.ok(pull(image));
    }

    /** {@code docker image inspect IMAGE}: exit 1 and {@code Error: No such image} when it is not present. */
    private ExecResult imageInspect(List<String> args) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("-f") || args.get(i).equals("--format")) {
                i++;
            } else if (!args.get(i).startsWith("-")) {
                names.add(args.get(i));
            }
        }
        for (String n : names) {
            if (!containers.images().has(n)) {
                return new ExecResult(1, "[]\n", "Error response from daemon: No such image: " + n + "\n");
            }
        }
        return ExecResult.ok("[\n    {\n        \"RepoTags\": [\n            \"" + String.join("\",\n            \"", names) + "\"\n        ]\n    }\n]\n");
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    // ---- ps ----

    private ExecResult ps(List<String> args) {
        boolean all = false;
        boolean quiet = false;
        boolean trunc = true;
        boolean latest = false;
        String format = null;
        List<String[]> filters = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            Flag split = Flag.of(args.get(i));
            String flag = split.name();
            String value = split.value();
            switch (flag) {
                case "-a", "--all" -> all = true;
                case "-q", "--quiet" -> quiet = true;
                case "--no-trunc" -> trunc = false;
                case "-l", "--latest" -> latest = true;
                case "-aq", "-qa" -> {
                    all = true;
                    quiet = true;
                }
                case "-f", "--filter", "--format" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            return ExecResult.error(125, "flag needs an argument: " + flag + "\n");
                        }
                        value = args.get(++i);
                    }
                    if (flag.equals("--format")) {
                        format = value;
                    } else {
                        int e = value.indexOf('=');
                        if (e < 0) {
                            return ExecResult.error(125, "invalid argument \"" + value + "\" for \"-f, --filter\" flag: bad format of filter (expected name=value)\n");
                        }
                        filters.add(new String[] {value.substring(0, e), value.substring(e + 1)});
                    }
                }
                default -> {
                    return ExecResult.error(125, "unknown flag: " + flag + "\nSee 'docker ps --help'.\n");
                }
            }
        }
        List<Container> rows = new ArrayList<>();
        for (Container c : containers.list()) {
            boolean hasStatusFilter = filters.stream().anyMatch(f -> f[0].equals("status"));
            if (!all && !latest && !hasStatusFilter && c.status() != Container.Status.RUNNING) {
                continue;
            }
            try {
                if (matches(c, filters)) {
                    rows.add(c);
                }
            } catch (IllegalArgumentException e) {
                return ExecResult.error(1, "Error response from daemon: " + e.getMessage() + "\n");
            }
        }
        if (latest && rows.size() > 1) {
            rows = rows.subList(0, 1);
        }
        if (quiet) {
            format = "{{.ID}}";
        } else if (format == null || format.equals("table")) {
            format = DEFAULT_TABLE;
        } else if (format.equals("json")) {
            format = "{{json .}}";
        }
        boolean table = format.startsWith("table");
        String template = (table ? format.substring(5) : format).trim().replace("\\t", "\t").replace("\\n", "\n");
        try {
            List<String> lines = new ArrayList<>();
            if (table) {
                ObjectNode header = JSON.createObjectNode();
                HEADERS.forEach(header::put);
                lines.add(GoTemplate.render(template, header, null));
            }
            for (Container c : rows) {
                lines.add(GoTemplate.render(template, psRow(c, trunc), "*formatter.ContainerContext"));
            }
            return ExecResult.ok(table ? TabWriter.format(lines) : joinLines(lines));
        } catch (GoTemplate.TemplateException e) {
            return ExecResult.error(1, e.getMessage() + "\n");
        }
    }

    private boolean matches(Container c, List<String[]> filters) {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (String[] f : filters) {
            byKey.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1]);
        }
        // Values of one key are OR-ed, different keys AND-ed (docker's filter semantics).
        for (Map.Entry<String, List<String>> e : byKey.entrySet()) {
            boolean any = false;
            for (String v : e.getValue()) {
                any |= switch (e.getKey()) {
                    case "name" -> {
                        try {
                            Pattern p = Pattern.compile(v);
                            String n = c.spec().name();
                            yield p.matcher(n).find() || p.matcher("/" + n).find();
                        } catch (PatternSyntaxException ex) {
                            throw new IllegalArgumentException("invalid filter 'name=" + v + "'");
                        }
                    }
                    case "id" -> c.id().startsWith(v);
                    case "status" -> state(c).equals(v);
                    case "ancestor" -> c.spec().image().equals(v) || c.spec().image().startsWith(v + ":");
                    default -> throw new IllegalArgumentException("invalid filter '" + e.getKey() + "'");
                };
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    private ObjectNode psRow(Container c, boolean trunc) {
        DockerRun run = runOf(c);
        String command = String.join(" ", run.command());
        if (trunc && command.codePointCount(0, command.length()) > 20) {
            command = command.substring(0, command.offsetByCodePoints(0, 19)) + "\u2026";
        }
        ObjectNode row = JSON.createObjectNode();
        row.put("Command", goQuote(command));
        row.put("CreatedAt", CREATED_AT.format(c.created()));
        row.put("ID", trunc ? c.id().substring(0, 12) : c.id());
        row.put("Image", c.spec().image());
        row.put("Labels", "");
        row.put("LocalVolumes", "0");
        row.put("Mounts", "");
        row.put("Names", c.spec().name());
        row.put("Networks", run.networkMode());
        row.put("Ports", c.status() == Container.Status.RUNNING ? ports(run) : "");
        row.put("RunningFor", humanDuration(Duration.between(c.created(), Instant.now())) + " ago");
        row.put("Size", "0B");
        row.put("State", state(c));
        row.put("Status", status(c));
        return row;
    }

    /** docker 25+ lists a published port once per address family. */
    private static String ports(DockerRun run) {
        if (run.networkMode().equals("host")) {
            return "";
        }
        List<String> out = new ArrayList<>();
        for (DockerRun.Publish p : run.publish()) {
            String target = p.containerPort() + "/" + p.protocol();
            if (p.hostPort() == 0) {
                out.add(target);
            } else if (!p.hostIp().isEmpty()) {
                out.add(p.hostIp() + ":" + p.hostPort() + "->" + target);
            } else {
                out.add("0.0.0.0:" + p.hostPort() + "->" + target);
                out.add("[::]:" + p.hostPort() + "->" + target);
            }
        }
        return String.join(", ", out);
    }

    private static String state(Container c) {
        return switch (c.status()) {
            case CREATED -> "created";
            case RUNNING -> "running";
            case EXITED -> "exited";
        };
    }

    private static String status(Container c) {
        return switch (c.status()) {
            case CREATED -> "Created";
            case RUNNING -> "Up " + humanDuration(Duration.between(c.startedAt(), Instant.now()));
            case EXITED -> "Exited (" + c.exitCode() + ") " + humanDuration(Duration.between(c.finishedAt(), Instant.now())) + " ago";
        };
    }

    /** go-units {@code HumanDuration}, which docker uses for "Up 5 minutes" and "2 hours ago". */
    static String humanDuration(Duration d) {
        long seconds = d.getSeconds();
        if (seconds < 1) {
            return "Less than a second";
        } else if (seconds == 1) {
            return "1 second";
        } else if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = d.toMinutes();
        if (minutes == 1) {
            return "About a minute";
        } else if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = Math.round(d.toMillis() / 3_600_000.0);
        if (hours == 1) {
            return "About an hour";
        } else if (hours < 48) {
            return hours + " hours";
        } else if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        } else if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return hours / 24 / 365 + " years";
    }

    /** Go's {@code strconv.Quote} for the printable strings a command line holds. */
    private static String goQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }

    // ---- inspect ----

    private ExecResult inspect(List<String> args, String kind) {
        String format = null;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-f") || a.equals("--format")) {
                if (i + 1 >= args.size()) {
                    return ExecResult.error(125, "flag needs an argument: " + a + "\n");
                }
                format = args.get(++i);
            } else if (a.startsWith("--format=")) {
                format = a.substring("--format=".length());
            } else if (a.equals("--type")) {
                i++;
            } else if (a.startsWith("--type=") || a.equals("-s") || a.equals("--size")) {
                continue;
            } else if (a.startsWith("-")) {
                return ExecResult.error(125, "unknown flag: " + a + "\nSee 'docker inspect --help'.\n");
            } else {
                names.add(a);
            }
        }
        if (names.isEmpty()) {
            return ExecResult.error(1, "docker: 'docker inspect' requires at least 1 argument\n");
        }
        ArrayNode found = JSON.createArrayNode();
        StringBuilder err = new StringBuilder();
        StringBuilder out = new StringBuilder();
        for (String n : names) {
            Optional<Container> c = containers.find(n);
            if (c.isEmpty()) {
                err.append("Error: No such ").append(kind).append(": ").append(n).append('\n');
                continue;
            }
            ObjectNode doc = inspectJson(c.get());
            found.add(doc);
            if (format != null) {
                try {
                    out.append(GoTemplate.render(format.replace("\\t", "\t").replace("\\n", "\n"), doc, null)).append('\n');
                } catch (GoTemplate.TemplateException e) {
                    return ExecResult.error(1, e.getMessage() + "\n");
                }
            }
        }
        String stdout = format != null ? out.toString() : GoJson.indent(found, "    ") + "\n";
        return new ExecResult(err.length() == 0 ? 0 : 1, stdout, err.toString());
    }

    private ObjectNode inspectJson(Container c) {
        DockerRun run = runOf(c);
        List<String> command = run.command();
        ObjectNode doc = JSON.createObjectNode();
        doc.put("Id", c.id());
        doc.put("Created", rfc3339(c.created()));
        doc.put("Path", command.isEmpty() ? "" : command.get(0));
        ArrayNode argsNode = doc.putArray("Args");
        command.stream().skip(1).forEach(argsNode::add);
        ObjectNode state = doc.putObject("State");
        state.put("Status", state(c));
        state.put("Running", c.status() == Container.Status.RUNNING);
        state.put("Paused", false);
        state.put("Restarting", false);
        state.put("OOMKilled", false);
        state.put("Dead", false);
        state.put("Pid", c.status() == Container.Status.RUNNING ? 2000 + Math.floorMod(c.id().hashCode(), 60_000) : 0);
        state.put("ExitCode", c.status() == Container.Status.EXITED ? c.exitCode() : 0);
        state.put("Error", "");
        state.put("StartedAt", c.startedAt() == null ? ZERO_TIME : rfc3339(c.startedAt()));
        state.put("FinishedAt", c.finishedAt() == null ? ZERO_TIME : rfc3339(c.finishedAt()));
        doc.put("Image", "sha256:" + sha256Hex(c.spec().image()));
        doc.put("Name", "/" + c.spec().name());
        doc.put("RestartCount", c.restartCount());
        doc.put("Driver", "overlay2");
        doc.put("Platform", "linux");
        ObjectNode hostConfig = doc.putObject("HostConfig");
        hostConfig.put("NetworkMode", run.networkMode());
        hostConfig.put("IpcMode", run.ipcMode());
        hostConfig.put("AutoRemove", run.remove());
        ArrayNode binds = hostConfig.putArray("Binds");
        run.volumes().forEach(binds::add);
        String[] policy = run.restart().split(":");
        hostConfig.putObject("RestartPolicy").put("Name", policy[0])
                .put("MaximumRetryCount", policy.length > 1 ? Integer.parseInt(policy[1]) : 0);
        ObjectNode bindings = hostConfig.putObject("PortBindings");
        for (DockerRun.Publish p : run.publish()) {
            ArrayNode list = bindings.withArray(p.containerPort() + "/" + p.protocol());
            list.addObject().put("HostIp", p.hostIp()).put("HostPort", p.hostPort() == 0 ? "" : Integer.toString(p.hostPort()));
        }
        if (run.gpus()) {
            ObjectNode gpu = hostConfig.putArray("DeviceRequests").addObject();
            gpu.put("Driver", "");
            gpu.put("Count", -1);
            gpu.putNull("DeviceIDs");
            gpu.putArray("Capabilities").addArray().add("gpu");
            gpu.putObject("Options");
        } else {
            hostConfig.putNull("DeviceRequests");
        }
        ObjectNode config = doc.putObject("Config");
        config.put("Hostname", run.networkMode().equals("host") ? "spark" : c.id().substring(0, 12));
        ArrayNode env = config.putArray("Env");
        run.env().forEach((k, v) -> env.add(k + "=" + v));
        env.add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        ArrayNode cmd = config.putArray("Cmd");
        run.args().forEach(cmd::add);
        config.put("Image", c.spec().image());
        if (run.entrypoint().isEmpty()) {
            config.putNull("Entrypoint");
        } else {
            ArrayNode ep = config.putArray("Entrypoint");
            run.entrypoint().forEach(ep::add);
        }
        ObjectNode net = doc.putObject("NetworkSettings");
        ObjectNode ports = net.putObject("Ports");
        if (c.status() == Container.Status.RUNNING && !run.networkMode().equals("host")) {
            for (DockerRun.Publish p : run.publish()) {
                ArrayNode list = ports.withArray(p.containerPort() + "/" + p.protocol());
                if (p.hostIp().isEmpty()) {
                    list.addObject().put("HostIp", "0.0.0.0").put("HostPort", Integer.toString(p.hostPort()));
                    list.addObject().put("HostIp", "::").put("HostPort", Integer.toString(p.hostPort()));
                } else {
                    list.addObject().put("HostIp", p.hostIp()).put("HostPort", Integer.toString(p.hostPort()));
                }
            }
        }
        return doc;
    }

    private static String rfc3339(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- stop / rm / logs ----

    private ExecResult stop(List<String> args) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-t") || a.equals("--time") || a.equals("--timeout") || a.equals("-s") || a.equals("--signal")) {
                i++;
            } else if (!a.startsWith("-")) {
                names.add(a);
            } else if (!a.startsWith("--time=") && !a.startsWith("--timeout=") && !a.startsWith("--signal=")) {
                return ExecResult.error(125, "unknown flag: " + a + "\n");
            }
        }
        return eachContainer(names, c -> {
            if (c.status() == Container.Status.RUNNING) {
                c.stopByUser();
            }
            removeIfAutoRemove(c);
        });
    }

    private ExecResult rm(List<String> args) {
        boolean force = false;
        List<String> names = new ArrayList<>();
        for (String a : args) {
            switch (a) {
                case "-f", "--force" -> force = true;
                case "-v", "--volumes", "-fv", "-vf" -> force |= a.contains("f");
                default -> {
                    if (a.startsWith("-")) {
                        return ExecResult.error(125, "unknown flag: " + a + "\n");
                    }
                    names.add(a);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        for (String n : names) {
            Optional<Container> found = containers.find(n);
            if (found.isEmpty()) {
                if (!force) { // docker rm -f ignores containers that do not exist
                    err.append("Error response from daemon: No such container: ").append(n).append('\n');
                }
                continue;
            }
            Container c = found.get();
            if (c.status() == Container.Status.RUNNING) {
                if (!force) {
                    err.append("Error response from daemon: cannot remove container \"/").append(c.spec().name())
                            .append("\": container is running: stop the container before removing or force remove\n");
                    continue;
                }
                c.stop();
            }
            containers.remove(c);
            runs.remove(c.id());
            out.append(n).append('\n');
        }
        return new ExecResult(err.length() == 0 ? 0 : 1, out.toString(), err.toString());
    }

    private ExecResult logs(List<String> args) throws InterruptedException {
        int tail = -1;
        boolean follow = false;
        String name = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            if (a.equals("--tail") || a.equals("-n")) {
                if (i + 1 >= args.size()) {
                    return ExecResult.error(125, "flag needs an argument: " + a + "\n");
                }
                value = args.get(++i);
            } else if (a.startsWith("--tail=")) {
                value = a.substring("--tail=".length());
            } else if (a.equals("-f") || a.equals("--follow")) {
                follow = true;
            } else if (a.startsWith("-")) {
                return ExecResult.error(125, "unknown flag: " + a + "\n");
            } else {
                name = a;
            }
            if (value != null) {
                try {
                    tail = value.equals("all") ? -1 : Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    return ExecResult.error(1, "Error response from daemon: invalid value for \"tail\": \"" + value + "\"\n");
                }
            }
        }
        if (name == null) {
            return ExecResult.error(1, "docker: 'docker logs' requires 1 argument\n");
        }
        Optional<Container> found = containers.find(name);
        if (found.isEmpty()) {
            return ExecResult.error(1, "Error response from daemon: No such container: " + name + "\n");
        }
        Container c = found.get();
        // -f blocks until the container ends, as the real command does (wrap it in timeout).
        while (follow && c.status() != Container.Status.EXITED) {
            Thread.sleep(20);
        }
        List<String> lines = c.logs();
        if (tail >= 0 && tail < lines.size()) {
            lines = lines.subList(lines.size() - tail, lines.size());
        }
        return ExecResult.ok(joinLines(lines));
    }

    private interface ContainerAction {
        void apply(Container c);
    }

    /** Applies {@code action} to each named container, echoing the name as docker does; missing ones fail with exit 1. */
    private ExecResult eachContainer(List<String> names, ContainerAction action) {
        if (names.isEmpty()) {
            return ExecResult.error(1, "docker: requires at least 1 argument\n");
        }
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        for (String n : names) {
            Optional<Container> c = containers.find(n);
            if (c.isEmpty()) {
                err.append("Error response from daemon: No such container: ").append(n).append('\n');
                continue;
            }
            action.apply(c.get());
            out.append(n).append('\n');
        }
        return new ExecResult(err.length() == 0 ? 0 : 1, out.toString(), err.toString());
    }

    private void removeIfAutoRemove(Container c) {
        DockerRun run = runs.get(c.id());
        if (run != null && run.remove()) {
            containers.remove(c);
            runs.remove(c.id());
        }
    }

    /** Containers created by something other than this CLI (a test, the lead's wiring) get what their spec implies. */
    private DockerRun runOf(Container c) {
        DockerRun run = runs.get(c.id());
        if (run != null) {
            return run;
        }
        List<DockerRun.Publish> publish = c.spec().hostPort() > 0
                ? List.of(new DockerRun.Publish("", c.spec().hostPort(), 8000, "tcp")) : List.of();
        return new DockerRun(c.spec().name(), c.spec().image(), true, false, true, "bridge", "host", publish,
                c.spec().env(), DockerRun.defaultEntrypoint(c.spec().image()), c.spec().args(), c.spec().volumes(),
                c.spec().restart(), List.of());
    }

    private static String joinLines(List<String> lines) {
        StringBuilder out = new StringBuilder();
        for (String l : lines) {
            out.append(l).append('\n');
        }
        return out.toString();
    }
}
