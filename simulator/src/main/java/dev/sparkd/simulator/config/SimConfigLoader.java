package dev.sparkd.simulator.config;

import dev.sparkd.core.config.ByteSizes;
import dev.sparkd.core.config.Durations;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.generation.Pace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Reads the simulator's TOML (see {@code simulator/README.md} for the format) into a {@link SimConfig}. Reports every
 * problem at once, each with the key path, instead of stopping at the first.
 */
public final class SimConfigLoader {
    /** What {@code [sparks.X] gpu} may say, as {@code SimulatedSpark} maps it to a host GPU profile. */
    public static final List<String> GPU_KINDS = List.of("gb10", "discrete");

    private final String source;
    private final Path baseDir;
    private final List<String> problems = new ArrayList<>();

    private SimConfigLoader(String source, Path baseDir) {
        this.source = source;
        this.baseDir = baseDir;
    }

    /** @param baseDir what relative paths in the TOML are relative to (the config file's directory) */
    public static SimConfig parse(String toml, String source, Path baseDir) {
        return new SimConfigLoader(source, baseDir).read(toml);
    }

    /** The Ollama version the simulator follows (ollama/ollama fb30760 is tagged v0.33.0-rc2). */
    public static final String OLLAMA_VERSION = "0.33.0";

    private SimConfig read(String toml) {
        TomlParseResult doc = Toml.parse(toml);
        doc.errors().forEach(e -> problems.add(e.toString()));
        if (!problems.isEmpty()) {
            throw failure();
        }
        TomlTable sim = table(doc, "simulator");
        String bind = string(sim, "bind", "simulator", "127.0.0.1");
        int controlPort = port(sim, "control_port", "simulator", 0);
        Pace defaultPace = pace(sim, "simulator", new Pace(Duration.ofMillis(80), 50));
        Path clientKey = path(sim, "client_key", "simulator");
        Path knownHosts = path(sim, "known_hosts", "simulator");

        Map<String, OllamaModelSpec> library = DefaultCatalogs.ollama(defaultPace);
        TomlTable ollamaLib = table(table(doc, "ollama"), "library");
        for (String name : ollamaLib.keySet()) {
            String path = "ollama.library.\"" + name + "\"";
            OllamaModelSpec spec = ollamaModel(name, ollamaLib.getTable(List.of(name)), path, library.get(name), defaultPace);
            if (spec != null) {
                library.put(spec.name(), spec);
            }
        }
        Map<String, VllmModelSpec> vllmModels = DefaultCatalogs.vllm(defaultPace);
        TomlTable vllmTable = table(table(doc, "vllm"), "models");
        for (String id : vllmTable.keySet()) {
            String path = "vllm.models.\"" + id + "\"";
            TomlTable t = vllmTable.getTable(List.of(id));
            VllmModelSpec base = vllmModels.get(id);
            vllmModels.put(id, new VllmModelSpec(id,
                    duration(t, "load_delay", path, base == null ? Duration.ofSeconds(5) : base.loadDelay()),
                    (int) number(t, "max_model_len", path, base == null ? 32768 : base.maxModelLen()),
                    pace(t, path, base == null ? defaultPace : base.pace()),
                    bool(t, "reasoning", path, base != null && base.reasoning()),
                    bool(t, "embedding", path, base != null && base.embedding()),
                    size(t, "size", path, base == null ? VllmModelSpec.DEFAULT_SIZE : base.size()),
                    bool(t, "gated", path, base != null && base.gated())));
        }

        List<SparkConfig> sparks = new ArrayList<>();
        Set<String> serviceNames = new HashSet<>();
        TomlTable sparksTable = table(doc, "sparks");
        for (String name : sparksTable.keySet()) {
            sparks.add(spark(name, sparksTable.getTable(List.of(name)), vllmModels, library, serviceNames));
        }
        if (sparks.isEmpty()) {
            problems.add("no [sparks.<name>] table: the simulator needs at least one simulated Spark");
        }
        List<CloudConfig> clouds = clouds(table(doc, "cloud"), defaultPace);
        if (!problems.isEmpty()) {
            throw failure();
        }
        return new SimConfig(bind, controlPort, Map.copyOf(library), Map.copyOf(vllmModels), List.copyOf(sparks),
                clientKey, knownHosts, List.copyOf(clouds));
    }

    private List<CloudConfig> clouds(TomlTable cloud, Pace defaultPace) {
        List<CloudConfig> out = new ArrayList<>();
        for (String provider : cloud.keySet()) {
            String path = "cloud." + provider;
            if (!CloudConfig.PROVIDERS.contains(provider)) {
                problems.add(path + ": unknown provider (one of " + String.join(", ", CloudConfig.PROVIDERS) + ")");
                continue;
            }
            if (!cloud.isTable(provider)) {
                problems.add(path + ": expected a table");
                continue;
            }
            TomlTable t = cloud.getTable(List.of(provider));
            out.add(new CloudConfig(provider, port(t, "port", path, 0), path(t, "api_key_file", path),
                    List.copyOf(strings(t, "models", path, List.of())), pace(t, path, defaultPace),
                    (int) number(t, "rate_limit_rpm", path, 0)));
        }
        return out;
    }

    /** A path key, resolved against the config file's directory; null when absent. */
    private Path path(TomlTable t, String key, String path) {
        String value = string(t, key, path, null);
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            problems.add(path + "." + key + ": empty path");
            return null;
        }
        return baseDir.resolve(value).normalize();
    }

    private SparkConfig spark(String name, TomlTable t, Map<String, VllmModelSpec> vllmModels,
                              Map<String, OllamaModelSpec> library, Set<String> serviceNames) {
        String path = "sparks." + name;
        String gpu = string(t, "gpu", path, "gb10");
        if (!GPU_KINDS.contains(gpu)) {
            problems.add(path + ".gpu: unknown GPU '" + gpu + "' (one of " + String.join(", ", GPU_KINDS) + ")");
        }
        long diskTotal = size(t, "disk_total", path, 3_700_000_000_000L);
        long diskUsed = size(t, "disk_used", path, 60_000_000_000L);
        String modelsPath = string(t, "models_path", path, "/usr/share/ollama/.ollama/models");
        SshConfig ssh = null;
        if (t.isTable("ssh")) {
            TomlTable s = t.getTable("ssh");
            Path hostKey = path(s, "host_key", path + ".ssh");
            Path authorizedKeys = path(s, "authorized_keys", path + ".ssh");
            if (hostKey == null) {
                problems.add(path + ".ssh.host_key: missing (where the host's key lives; generated when the file is missing)");
            }
            if (authorizedKeys == null) {
                problems.add(path + ".ssh.authorized_keys: missing (the keys allowed in)");
            }
            ssh = new SshConfig(port(s, "port", path + ".ssh", 0), hostKey, authorizedKeys);
        }
        List<String> hostModels = strings(t, "vllm_models", path, new ArrayList<>(vllmModels.keySet()));
        for (String id : hostModels) {
            if (!vllmModels.containsKey(id)) {
                problems.add(path + ".vllm_models: unknown model '" + id + "' — declare it under [vllm.models.\"" + id + "\"]");
            }
        }
        List<ServiceConfig> services = new ArrayList<>();
        TomlTable servicesTable = table(t, "services");
        for (String serviceName : servicesTable.keySet()) {
            if (!serviceNames.add(serviceName)) {
                problems.add(path + ".services." + serviceName + ": service names must be unique across all sparks");
            }
            ServiceConfig svc = service(serviceName, servicesTable.getTable(List.of(serviceName)),
                    path + ".services." + serviceName, vllmModels, library);
            if (svc != null) {
                services.add(svc);
            }
        }
        long cudaReserved = size(t, "cuda_reserved", path, gpu.equals("gb10") ? 13L * 1024 * 1024 * 1024 : 0);
        List<String> images = t.contains("images") ? List.copyOf(strings(t, "images", path, List.of())) : null;
        return new SparkConfig(name, gpu, diskTotal, diskUsed, modelsPath, ssh, List.copyOf(hostModels), List.copyOf(services),
                cudaReserved, images, size(t, "image_size", path, 12_000_000_000L),
                size(t, "image_pull_speed", path, 1_000_000_000L), size(t, "hf_download_speed", path, 1_000_000_000L));
    }

    private ServiceConfig service(String name, TomlTable t, String path, Map<String, VllmModelSpec> vllmModels,
                                  Map<String, OllamaModelSpec> library) {
        String kindText = string(t, "kind", path, null);
        if (kindText == null) {
            problems.add(path + ".kind: missing (ollama, vllm or llamacpp)");
            return null;
        }
        ServiceKind kind;
        try {
            kind = ServiceKind.parse(kindText);
        } catch (IllegalArgumentException e) {
            problems.add(path + ".kind: " + e.getMessage());
            return null;
        }
        int port = port(t, "port", path, 0);
        List<Fault> faults = faults(t, path);
        switch (kind) {
            case OLLAMA -> {
                List<String> models = strings(t, "models", path, List.of());
                for (String m : models) {
                    if (!library.containsKey(normalise(m))) {
                        problems.add(path + ".models: '" + m + "' is not in the simulated Ollama library — add [ollama.library.\"" + normalise(m) + "\"]");
                    }
                }
                OllamaSettings s = new OllamaSettings(models.stream().map(SimConfigLoader::normalise).toList(),
                        size(t, "pull_speed", path, 200_000_000L), duration(t, "keep_alive", path, Duration.ofMinutes(5)));
                return new ServiceConfig(name, kind, port, string(t, "version", path, OLLAMA_VERSION), faults, s, null, null);
            }
            case VLLM -> {
                String model = string(t, "model", path, null);
                if (model == null) {
                    problems.add(path + ".model: missing (the model `vllm serve` loads)");
                } else if (!vllmModels.containsKey(model)) {
                    problems.add(path + ".model: unknown model '" + model + "' — declare it under [vllm.models.\"" + model + "\"]");
                }
                VllmSettings s = new VllmSettings(model, string(t, "served_model_name", path, null),
                        (int) number(t, "max_num_seqs", path, 256), (int) number(t, "max_model_len", path, 0),
                        number(t, "kv_cache_tokens", path, 262_144), string(t, "reasoning_parser", path, null),
                        decimal(t, "gpu_memory_utilization", path, 0.9));
                return new ServiceConfig(name, kind, port, string(t, "version", path, "0.11.0"), faults, null, s, null);
            }
            default -> {
                LlamaCppSettings s = new LlamaCppSettings(string(t, "model", path, "/models/model.gguf"),
                        string(t, "alias", path, null), (int) number(t, "parallel", path, 4),
                        (int) number(t, "ctx_size", path, 8192), bool(t, "metrics", path, true),
                        duration(t, "load_delay", path, Duration.ofSeconds(2)),
                        pace(t, path, new Pace(Duration.ofMillis(60), 40)), string(t, "build_info", path, "b6100-9f1e4d2c"),
                        bool(t, "embeddings", path, false), bool(t, "reranking", path, false));
                return new ServiceConfig(name, kind, port, string(t, "version", path, "b6100"), faults, null, null, s);
            }
        }
    }

    private OllamaModelSpec ollamaModel(String name, TomlTable t, String path, OllamaModelSpec base, Pace defaultPace) {
        String full = normalise(name);
        if (base == null && !t.contains("size")) {
            problems.add(path + ".size: missing (the model's total size, e.g. \"4.7GB\")");
            return null;
        }
        return new OllamaModelSpec(full,
                size(t, "size", path, base == null ? 0 : base.size()),
                string(t, "family", path, base == null ? "llama" : base.family()),
                string(t, "parameter_size", path, base == null ? "8.0B" : base.parameterSize()),
                string(t, "quantization", path, base == null ? "Q4_K_M" : base.quantization()),
                (int) number(t, "context_length", path, base == null ? 8192 : base.contextLength()),
                (int) number(t, "embedding_length", path, base == null ? 4096 : base.embeddingLength()),
                bool(t, "embedding_only", path, base != null && base.embeddingOnly()),
                pace(t, path, base == null ? defaultPace : base.pace()),
                duration(t, "load_delay", path, base == null ? Duration.ofMillis(300) : base.loadDelay()),
                (int) number(t, "revision", path, base == null ? 1 : base.revision()),
                bool(t, "thinking", path, base != null && base.thinking()));
    }

    /** Ollama's short names: a missing tag means {@code :latest}. */
    public static String normalise(String name) {
        int slash = name.lastIndexOf('/');
        return name.indexOf(':', slash + 1) < 0 ? name + ":latest" : name;
    }

    private List<Fault> faults(TomlTable t, String path) {
        if (!t.contains("faults")) {
            return List.of();
        }
        if (!t.isArray("faults")) {
            problems.add(path + ".faults: expected an array of inline tables, e.g. [{ type = \"slow\", delay_ms = 200 }]");
            return List.of();
        }
        List<Fault> out = new ArrayList<>();
        TomlArray a = t.getArray("faults");
        for (int i = 0; i < a.size(); i++) {
            try {
                Fault f = Fault.fromMap(new LinkedHashMap<>(a.getTable(i).toMap()));
                if (!f.type().appliesTo(dev.sparkd.simulator.fault.FaultType.Scope.SERVICE)) {
                    problems.add(path + ".faults[" + i + "]: '" + f.type().wireName() + "' is a host fault");
                } else {
                    out.add(f);
                }
            } catch (RuntimeException e) {
                problems.add(path + ".faults[" + i + "]: " + e.getMessage());
            }
        }
        return out;
    }

    private Pace pace(TomlTable t, String path, Pace fallback) {
        Duration ttft = duration(t, "ttft", path, fallback.timeToFirstToken());
        double tps = t.contains("tokens_per_second") ? number(t, "tokens_per_second", path, 0) : fallback.tokensPerSecond();
        if (t.isDouble("tokens_per_second")) {
            tps = t.getDouble("tokens_per_second");
        }
        return new Pace(ttft, tps);
    }

    private static TomlTable table(TomlTable parent, String key) {
        TomlTable t = parent == null || !parent.isTable(key) ? null : parent.getTable(List.of(key));
        return t == null ? Toml.parse("") : t;
    }

    private String string(TomlTable t, String key, String path, String fallback) {
        return read(t, key, path, fallback, "a string", v -> v instanceof String s ? s : null);
    }

    private long number(TomlTable t, String key, String path, long fallback) {
        return read(t, key, path, fallback, "a number",
                v -> v instanceof Long l ? l : v instanceof Double d ? Long.valueOf(Math.round(d)) : null);
    }

    private double decimal(TomlTable t, String key, String path, double fallback) {
        return read(t, key, path, fallback, "a number", v -> v instanceof Number n ? Double.valueOf(n.doubleValue()) : null);
    }

    private boolean bool(TomlTable t, String key, String path, boolean fallback) {
        return read(t, key, path, fallback, "true or false", v -> v instanceof Boolean b ? b : null);
    }

    private int port(TomlTable t, String key, String path, int fallback) {
        long p = number(t, key, path, fallback);
        if (p < 0 || p > 65535) {
            problems.add(path + "." + key + ": " + p + " is not a port (0 = ephemeral, 1-65535)");
            return fallback;
        }
        return (int) p;
    }

    private long size(TomlTable t, String key, String path, long fallback) {
        return read(t, key, path, fallback, "a size such as \"5GB\" or a number of bytes", v -> {
            if (v instanceof String s) {
                return ByteSizes.parse(s).orElseThrow(() -> new IllegalArgumentException(
                        "not a size: '" + s + "' (expected e.g. 5GB, 2GiB, 512MiB or a number of bytes)"));
            }
            return v instanceof Long l ? l : null;
        });
    }

    private Duration duration(TomlTable t, String key, String path, Duration fallback) {
        return read(t, key, path, fallback, "a duration such as \"5s\" or \"50ms\"", v -> {
            if (v instanceof String s) {
                return Durations.parse(s).orElseThrow(() -> new IllegalArgumentException(
                        "not a duration: '" + s + "' (expected e.g. 50ms, 5s, 2m, 1h30m)"));
            }
            return v instanceof Long l ? Duration.ofSeconds(l) : null;
        });
    }

    private List<String> strings(TomlTable t, String key, String path, List<String> fallback) {
        return read(t, key, path, fallback, "an array of strings", v -> {
            if (!(v instanceof TomlArray a)) {
                return null;
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) instanceof String s) {
                    out.add(s);
                } else {
                    problems.add(path + "." + key + "[" + i + "]: expected a string");
                }
            }
            return out;
        });
    }

    /**
     * The value at {@code key} as {@code convert} makes it, or {@code fallback} when the key is absent; a value of the
     * wrong type ({@code convert} answers null) or one {@code convert} rejects is recorded as a problem.
     */
    private <T> T read(TomlTable t, String key, String path, T fallback, String expected, Function<Object, T> convert) {
        if (!t.contains(List.of(key))) {
            return fallback;
        }
        try {
            T value = convert.apply(t.get(List.of(key)));
            if (value != null) {
                return value;
            }
        } catch (IllegalArgumentException e) {
            problems.add(path + "." + key + ": " + e.getMessage());
            return fallback;
        }
        problems.add(path + "." + key + ": expected " + expected);
        return fallback;
    }

    private IllegalArgumentException failure() {
        return new IllegalArgumentException("invalid simulator config " + source + ":\n  - " + String.join("\n  - ", problems));
    }
}
