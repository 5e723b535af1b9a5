package dev.sparkd.models.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.sparkd.core.config.ConfigTable;
import dev.sparkd.core.config.Host;
import dev.sparkd.core.config.Listen;
import dev.sparkd.core.config.SecretRef;
import dev.sparkd.core.config.SectionSchema;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.ServiceKind;
import dev.sparkd.core.config.Suggestions;
import dev.sparkd.core.config.SuiteConfig;

/**
 * Reads {@code [models]}. Catalog values end up in remote {@code docker run} commands, so each is held to a strict
 * pattern here — nothing loose ever reaches a shell.
 */
public final class ModelsSchema extends SectionSchema<ModelsSettings> {
    public static final int DEFAULT_PORT = 8472;
    public static final Pattern OLLAMA_MODEL = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._/-]{0,199}(:[a-zA-Z0-9._-]{1,128})?");
    public static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,254}(:[a-zA-Z0-9._-]{1,128})?(@sha256:[a-f0-9]{64})?");
    public static final Pattern HF_MODEL = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,95}(/[a-zA-Z0-9][a-zA-Z0-9._-]{0,95})?");
    public static final Pattern ARG = Pattern.compile("--[a-z0-9][a-z0-9-]{0,63}(=[A-Za-z0-9._:/,{}\"-]{0,200})?|[A-Za-z0-9._:/,-]{1,200}");
    public static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,63}");
    public static final Pattern ENV_VALUE = Pattern.compile("[A-Za-z0-9._:/,=@+-]{0,256}");
    public static final Pattern REGISTRY = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?");
    public static final Pattern MODELS_DIR = Pattern.compile("/[A-Za-z0-9._/-]{0,255}");
    public static final Pattern CONTAINER = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    /** An IPv4 or IPv6 literal: where a container's port may be published. */
    public static final Pattern ADDRESS = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]{2,39}");
    /** Secrets reach the container through hf_token_file, env_file or the service's api_key_file, never inline. */
    static final Set<String> SECRET_ENV = Set.of("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "VLLM_API_KEY");

    public ModelsSchema() {
        super("models", ModelsSettings.class);
    }

    @Override
    public ModelsSettings read(ConfigTable t, SuiteConfig core) {
        Listen listen = Listen.read(t, "listen", DEFAULT_PORT);
        Duration interval = t.duration("reconcile_interval", Duration.ofSeconds(10), Duration.ofDays(7)).orElse(Duration.ofHours(1));
        String registry = t.matching("registry", REGISTRY, "an http(s) URL of an Ollama-compatible registry, e.g. \"https://registry.ollama.ai\"")
                .orElse(ModelsSettings.DEFAULT_REGISTRY);
        Map<String, ModelsSettings.OllamaModels> ollama = new LinkedHashMap<>();
        Map<String, ModelsSettings.VllmCatalog> vllm = new LinkedHashMap<>();
        for (String key : t.keys()) {
            if (key.equals("listen") || key.equals("reconcile_interval") || key.equals("registry") || key.equals("operations_retention")) {
                continue;
            }
            Optional<ConfigTable> sub = t.table(key);
            if (sub.isEmpty()) {
                continue;
            }
            Optional<ServiceDef> service = core.service(key);
            if (service.isEmpty()) {
                t.error(key, "[models." + key + "] names no service \"" + key + "\"", Suggestions.hint(key, core.services().keySet()));
            } else if (service.get().kind() == ServiceKind.OLLAMA) {
                ollama.put(key, readOllama(key, sub.get()));
            } else if (service.get().kind() == ServiceKind.VLLM) {
                vllm.put(key, readVllm(key, sub.get(), service.get().host().flatMap(core::host).map(Host::address)));
            } else {
                t.error(key, "models are managed for ollama and vllm services; \"" + key + "\" is " + service.get().kind().key(), "");
            }
        }
        Duration operationsRetention = t.duration("operations_retention", Duration.ofDays(1), Duration.ofDays(3650))
                .orElse(Duration.ofDays(365));
        t.finish();
        return new ModelsSettings(listen, interval, registry, ollama, vllm, operationsRetention);
    }

    private static ModelsSettings.OllamaModels readOllama(String service, ConfigTable t) {
        List<ModelsSettings.DeclaredModel> models = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ConfigTable.Element e : t.elements("pull")) {
            String name;
            boolean autoUpdate = false;
            Optional<String> verify = Optional.empty();
            if (e.value() instanceof String s) {
                name = s;
            } else if (e.table() != null) {
                name = e.table().requiredString("name", "the model tag, e.g. \"llama3.2:3b\"").orElse("");
                autoUpdate = e.table().bool("auto_update", false);
                verify = e.table().string("verify_prompt");
                e.table().finish();
            } else {
                t.problems().add(e.position(), e.path(), "expected a model name or { name = …, auto_update = … }", "");
                continue;
            }
            if (!OLLAMA_MODEL.matcher(name).matches()) {
                t.problems().add(e.position(), e.path(), "not a valid Ollama model name: \"" + name + "\"", "e.g. \"llama3.2:3b\" or \"hf.co/org/repo:Q4_K_M\"");
                continue;
            }
            String normal = name.contains(":") ? name : name + ":latest";
            if (!seen.add(normal)) {
                t.problems().add(e.position(), e.path(), "\"" + name + "\" is declared twice", "keep one entry");
                continue;
            }
            models.add(new ModelsSettings.DeclaredModel(name, autoUpdate, verify));
        }
        boolean prune = t.bool("prune", false);
        long minFree = t.size("min_free_disk").orElse(20L << 30);
        int parallel = t.integer("max_parallel_pulls", 1, 8).orElse(1L).intValue();
        Optional<String> modelsDir = t.matching("models_dir", MODELS_DIR, "an absolute path, e.g. \"/usr/share/ollama/.ollama/models\"");
        t.finish();
        return new ModelsSettings.OllamaModels(service, List.copyOf(models), prune, minFree, parallel, modelsDir);
    }

    private static ModelsSettings.VllmCatalog readVllm(String service, ConfigTable t, Optional<String> hostAddress) {
        Map<String, ModelsSettings.CatalogEntry> catalog = new LinkedHashMap<>();
        t.namedTables("catalog").forEach((key, c) -> {
            String image = c.matching("image", IMAGE, "a Docker image reference, e.g. \"vllm/vllm-openai:v0.11.0\"").orElse("");
            if (!c.has("image")) {
                c.error(null, "missing `image`", "e.g. image = \"nvcr.io/nvidia/vllm:25.09-py3\"");
            }
            String model = c.matching("model", HF_MODEL, "a Hugging Face model id, e.g. \"Qwen/Qwen2.5-7B-Instruct\"").orElse("");
            if (!c.has("model")) {
                c.error(null, "missing `model`", "the Hugging Face id vLLM serves");
            }
            List<String> args = new ArrayList<>();
            for (String arg : c.strings("args")) {
                if (ARG.matcher(arg).matches()) {
                    args.add(arg);
                } else {
                    c.error("args", "argument \"" + arg + "\" has characters not allowed in launch arguments", "use --flag=value with letters, digits and . _ : / , - only");
                }
            }
            Map<String, String> env = new LinkedHashMap<>();
            c.table("env").ifPresent(e -> {
                for (String name : e.keys()) {
                    Optional<String> value = e.string(name);
                    if (!ENV_NAME.matcher(name).matches()) {
                        e.error(name, "not an environment variable name: \"" + name + "\"", "upper-case letters, digits and _");
                    } else if (SECRET_ENV.contains(name)) {
                        e.error(name, name + " holds a secret and is not written inline",
                                name.equals("VLLM_API_KEY") ? "set api_key_file in [services." + service + "]" : "set hf_token_file in this catalog entry");
                    } else if (value.isPresent() && !ENV_VALUE.matcher(value.get()).matches()) {
                        e.error(name, "value has characters not allowed here", "letters, digits and . _ : / , = @ + - only; pass secrets as files");
                    } else {
                        value.ifPresent(v -> env.put(name, v));
                    }
                }
                e.finish();
            });
            String container = c.matching("container", CONTAINER, "a Docker container name").orElse("vllm-" + service);
            int port = c.port("port").orElse(8000);
            Duration loadTimeout = c.duration("load_timeout", Duration.ofSeconds(10), Duration.ofHours(2)).orElse(Duration.ofMinutes(20));
            Optional<SecretRef> hfToken = c.secret("hf_token", false);
            Optional<Path> envFile = c.path("env_file");
            Duration fetchTimeout = c.duration("fetch_timeout", Duration.ofSeconds(10), Duration.ofDays(2)).orElse(Duration.ofHours(4));
            c.finish();
            catalog.put(key, new ModelsSettings.CatalogEntry(key, image, model, List.copyOf(args), Map.copyOf(env), container, port,
                    loadTimeout, hfToken, envFile, fetchTimeout));
        });
        String active = t.string("active").orElse("");
        if (!t.has("active")) {
            t.error(null, "missing `active`", "name the catalog entry this service should serve");
        } else if (!catalog.containsKey(active)) {
            t.error("active", "\"" + active + "\" is not in the catalog", Suggestions.hint(active, catalog.keySet()));
        }
        Optional<String> publish = t.matching("publish_address", ADDRESS, "an IP address of the host, e.g. \"192.168.1.50\" or \"127.0.0.1\"");
        if (publish.filter(a -> a.equals("0.0.0.0") || a.replace("0", "").equals("::")).isPresent()) {
            t.error("publish_address", "a swap never publishes vLLM on all interfaces", "name the host's LAN address, or 127.0.0.1 when sparkd runs on it");
        }
        String address = publish.or(() -> hostAddress.filter(a -> ADDRESS.matcher(a).matches())).orElse("127.0.0.1");
        // (a .local name is refused in [hosts.*] already; one problem is enough)
        if (publish.isEmpty() && hostAddress.isPresent() && !ADDRESS.matcher(hostAddress.get()).matches()
                && !hostAddress.get().endsWith(".local")) {
            t.error(null, "the host's address \"" + hostAddress.get() + "\" is a name; docker publishes ports on IP addresses",
                    "set publish_address = \"<the host's LAN IP>\" in [models." + service + "]");
        }
        long minFree = t.size("min_free_disk").orElse(20L << 30);
        t.finish();
        return new ModelsSettings.VllmCatalog(service, active, catalog, address, minFree);
    }
}
