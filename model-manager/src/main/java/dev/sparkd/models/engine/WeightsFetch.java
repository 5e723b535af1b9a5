package dev.sparkd.models.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import dev.sparkd.core.config.ByteSizes;
import dev.sparkd.core.config.Host;
import dev.sparkd.core.ssh.CommandResult;
import dev.sparkd.core.ssh.RemoteCommand;
import dev.sparkd.core.ssh.SshCommandTimeoutException;
import dev.sparkd.models.config.ModelsSchema;
import dev.sparkd.models.config.ModelsSettings;
import dev.sparkd.models.operation.Operation;

/**
 * A swap's weights step, before any container stops: the model's files go into the host's Hugging Face cache
 * ({@code [hosts.*] hf_cache}) with huggingface_hub inside the entry's own vLLM image, so the download uses the same
 * library, token and {@code HF_*} settings as vLLM will. Reads the size first (where a gated repo without a token is
 * refused), skips the download when the cache already holds that much, checks the disk, then downloads under its own
 * {@code fetch_timeout} while {@code du -sb} of the model's cache folder feeds the operation's byte progress. With
 * {@code HF_HUB_OFFLINE} set nothing is asked of the Hub: the weights are there or the swap fails at once. Blocking.
 */
final class WeightsFetch {
    /**
     * Run by {@code python3 -c} in the vLLM image. {@code size}: fetches config.json (a gated repo refuses here), then
     * prints the bytes of the files vLLM loads. {@code fetch}: {@code snapshot_download} of the same files. Skipped in
     * both: {@code original/} and PyTorch pickles, and {@code .bin} when safetensors exist (vLLM's own preference).
     */
    static final String SCRIPT = String.join("\n",
            "import sys, fnmatch",
            "from huggingface_hub import HfApi, hf_hub_download, snapshot_download",
            "mode, repo = sys.argv[1], sys.argv[2]",
            "hf_hub_download(repo, 'config.json')",
            "files = HfApi().model_info(repo, files_metadata=True).siblings",
            "skip = ['original/*', '*.pth', '*.pt'] + (['*.bin'] if any(f.rfilename.endswith('.safetensors') for f in files) else [])",
            "if mode == 'size':",
            "    print(sum(f.size or 0 for f in files if not any(fnmatch.fnmatch(f.rfilename, p) for p in skip)))",
            "else:",
            "    print(snapshot_download(repo, ignore_patterns=skip))");
    private static final Pattern CACHE_DIR = Pattern.compile("/[A-Za-z0-9._/-]{1,400}");
    private static final ExecutorService DOWNLOADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sparkd-weights-fetch");
        t.setDaemon(true);
        return t;
    });

    private final Backends backends;
    private final String service;
    private final ModelsSettings.CatalogEntry entry;
    private final Operation op;
    private final ContainerEnvFile env;

    WeightsFetch(Backends backends, String service, ModelsSettings.CatalogEntry entry, Operation op, ContainerEnvFile env) {
        this.backends = backends;
        this.service = service;
        this.entry = entry;
        this.op = op;
        this.env = env;
    }

    /** The host's cache directory. */
    static String cacheDir(Backends backends, String service) {
        return backends.hostOf(service).map(Host::hfCache).orElse(Host.defaultHfCache(Optional.empty()));
    }

    /** huggingface_hub's folder for a model: {@code hub/models--org--name}. */
    static String repoDir(String cache, String model) {
        return cache + "/hub/models--" + model.replace("/", "--");
    }

    /** HF_HUB_OFFLINE as huggingface_hub reads it (1/true/yes/on), from the catalog env or the env file. */
    boolean offline() {
        String v = entry.env().getOrDefault("HF_HUB_OFFLINE", env.has("HF_HUB_OFFLINE") ? env.value("HF_HUB_OFFLINE") : null);
        return v != null && v.strip().toLowerCase(Locale.ROOT).matches("1|true|yes|on");
    }

    /** The mount every vLLM container of the host gets. */
    static List<String> mountArgs(String cache) {
        if (!CACHE_DIR.matcher(cache).matches() || cache.contains("..")) {
            throw new IllegalArgumentException("hf_cache " + cache + " is not an absolute path of letters, digits and . _ / -");
        }
        return List.of("-v", cache + ":/root/.cache/huggingface");
    }

    /** Empty = the weights are in the cache now. */
    Optional<String> run() {
        String cache = cacheDir(backends, service);
        String host = backends.hostOf(service).map(Host::name).orElse(service);
        String dir = repoDir(cache, entry.model());
        long present = du(dir).orElse(0L);
        if (offline()) {
            if (present > 0) {
                op.event("weights: " + entry.model() + " is in " + host + ":" + cache + " (" + ByteSizes.format(present)
                        + "); HF_HUB_OFFLINE is set, so nothing is downloaded");
                return Optional.empty();
            }
            return Optional.of("HF_HUB_OFFLINE is set for " + entry.key() + " and the weights of " + entry.model() + " are not in "
                    + host + ":" + cache + ", so vLLM could not load them; download them once without HF_HUB_OFFLINE "
                    + "(or copy them into the cache), then swap again");
        }
        // leftovers of an earlier swap cut short would make the names conflict
        backends.run(service, RemoteCommand.builder("docker").args("rm", "-f").arg(fetchName("sparkd-size-"), ModelsSchema.CONTAINER)
                .arg(fetchName("sparkd-fetch-"), ModelsSchema.CONTAINER).build(), Duration.ofSeconds(30));
        CommandResult size = backends.run(service, hubCommand("size", "sparkd-size-"), Duration.ofMinutes(5));
        if (!size.succeeded()) {
            String why = refused(size);
            if (present > 0 && !why.contains("GatedRepoError") && !why.contains("401")) {
                // the Hub unreachable must not stop a rollback to weights that are here
                op.event("could not ask the Hub about " + entry.model() + " (" + why + "); starting with the "
                        + ByteSizes.format(present) + " in " + host + ":" + cache);
                return Optional.empty();
            }
            return Optional.of(why);
        }
        long total;
        try {
            String[] lines = size.stdout().strip().split("\n");
            total = Long.parseLong(lines[lines.length - 1].strip());
        } catch (NumberFormatException e) {
            return Optional.of("could not read the size of " + entry.model() + " from the Hub: " + size.stdout().strip());
        }
        if (present >= total) {
            op.event("weights: " + entry.model() + " is in " + host + ":" + cache + " (" + ByteSizes.format(present) + "); no download");
            return Optional.empty();
        }
        Optional<String> noSpace = diskCheck(cache, host, total - present);
        if (noSpace.isPresent()) {
            return noSpace;
        }
        return download(dir, host, cache, present, total);
    }

    private Optional<String> diskCheck(String cache, String host, long missing) {
        long minFree = backends.settings().vllm().get(service).minFreeDisk();
        // made by the SSH user before docker would make it (as root) for the mount; df needs it to exist
        backends.run(service, RemoteCommand.builder("mkdir").arg("-p").arg(cache + "/hub", CACHE_DIR).build(), Duration.ofSeconds(20));
        CommandResult df = backends.run(service, RemoteCommand.builder("df").arg("-B1").arg("--output=avail")
                .arg(cache, CACHE_DIR).build(), Duration.ofSeconds(20));
        if (!df.succeeded()) {
            op.event("could not check the free space of " + host + ":" + cache + " (" + df.stderr().strip() + "); downloading anyway");
            return Optional.empty();
        }
        String[] lines = df.stdout().strip().split("\n");
        long available;
        try {
            available = Long.parseLong(lines[lines.length - 1].strip());
        } catch (NumberFormatException e) {
            op.event("could not read df's answer for " + host + ":" + cache + "; downloading anyway");
            return Optional.empty();
        }
        if (available < missing + minFree) {
            return Optional.of("not enough disk space on " + host + ":" + cache + " for " + entry.model() + ": needs "
                    + ByteSizes.format(missing + minFree) + " (" + ByteSizes.format(missing) + " to download + min_free_disk "
                    + ByteSizes.format(minFree) + "), " + ByteSizes.format(available) + " available");
        }
        op.event("disk: " + ByteSizes.format(missing) + " to download, " + ByteSizes.format(available) + " free on " + host + ":" + cache);
        return Optional.empty();
    }

    private Optional<String> download(String dir, String host, String cache, long present, long total) {
        String digest = "weights " + entry.model();
        op.expectBytes(total);
        op.layerProgress(digest, total, present);
        op.event("downloading " + entry.model() + " into " + host + ":" + cache + " (" + ByteSizes.format(total - present) + " of "
                + ByteSizes.format(total) + " to fetch; up to " + entry.fetchTimeout().toMinutes() + " min)");
        Instant started = Instant.now();
        RemoteCommand fetch = hubCommand("fetch", "sparkd-fetch-");
        CompletableFuture<CommandResult> running = CompletableFuture.supplyAsync(
                () -> backends.run(service, fetch, entry.fetchTimeout()), DOWNLOADS);
        CommandResult result = null;
        Duration poll = backends.tuning().gatePoll();
        while (result == null) {
            try {
                result = running.get(poll.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                du(dir).ifPresent(bytes -> op.layerProgress(digest, total, Math.min(bytes, total)));
            } catch (ExecutionException e) {
                backends.run(service, RemoteCommand.builder("docker").args("rm", "-f").arg(fetchName("sparkd-fetch-"), ModelsSchema.CONTAINER)
                        .build(), Duration.ofSeconds(30));
                long got = du(dir).orElse(0L);
                String kept = " (" + ByteSizes.format(got) + " of " + ByteSizes.format(total)
                        + " are in the cache; the next swap continues from there)";
                if (e.getCause() instanceof SshCommandTimeoutException) {
                    return Optional.of("the download of " + entry.model() + " did not finish within fetch_timeout "
                            + entry.fetchTimeout().toSeconds() + " s" + kept);
                }
                return Optional.of("the download of " + entry.model() + " failed" + kept + ": " + e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.cancel(true);
                return Optional.of("interrupted while downloading " + entry.model());
            }
        }
        if (!result.succeeded()) {
            return Optional.of(refused(result));
        }
        long now = du(dir).orElse(total);
        op.layerProgress(digest, total, Math.max(now, total));
        op.event("downloaded " + entry.model() + " (" + ByteSizes.format(total) + ") in "
                + Duration.between(started, Instant.now()).toSeconds() + " s");
        return Optional.empty();
    }

    /** Why the Hub refused, from the traceback's last lines; a gated repo without a token names the setting. */
    private String refused(CommandResult r) {
        List<String> lines = Arrays.stream((r.stdout() + "\n" + r.stderr()).split("\n")).map(String::strip)
                .filter(l -> !l.isEmpty()).toList();
        String error = lines.stream().filter(l -> l.matches("[A-Za-z_.]*(Error|Exception)[A-Za-z]*: .*")).reduce((a, b) -> b)
                .orElse(lines.isEmpty() ? "exit " + r.exitCode() : lines.get(lines.size() - 1));
        int at = lines.indexOf(error);
        String detail = at >= 0 && at + 1 < lines.size() ? " " + String.join(" ", lines.subList(at + 1, Math.min(lines.size(), at + 3))) : "";
        StringBuilder why = new StringBuilder("the Hugging Face Hub refused " + entry.model() + ": " + error + detail);
        if ((error.contains("GatedRepoError") || error.contains("401")) && !env.has("HF_TOKEN")) {
            why.append(" — ").append(entry.model()).append(" is gated: set hf_token_file in [models.").append(service)
                    .append(".catalog.").append(entry.key()).append("] to a file holding a Hugging Face token with access to it");
        }
        return why.toString();
    }

    /** {@code du -sb DIR}: bytes of the model's cache folder; empty when it does not exist. */
    private Optional<Long> du(String dir) {
        try {
            CommandResult r = backends.run(service, RemoteCommand.builder("du").arg("-sb").arg(dir, CACHE_DIR).build(), Duration.ofSeconds(30));
            if (!r.succeeded()) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(r.stdout().strip().split("\\s+")[0]));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private String fetchName(String prefix) {
        String name = prefix + entry.container();
        return name.length() <= 128 ? name : prefix + Integer.toHexString(entry.container().hashCode());
    }

    /** {@code docker run --rm} of the entry's image with the cache mounted and the env file, running {@link #SCRIPT}. */
    private RemoteCommand hubCommand(String mode, String prefix) {
        RemoteCommand.Builder b = RemoteCommand.builder("docker").args("run", "--rm", "--name").arg(fetchName(prefix), ModelsSchema.CONTAINER)
                .args(mountArgs(cacheDir(backends, service)));
        if (!env.isEmpty()) {
            b.arg("--env-file").arg(env.path());
        }
        SwapService.envArgs(b, entry);
        return b.args("--entrypoint", "python3").arg(entry.image(), ModelsSchema.IMAGE).args("-c", SCRIPT, mode)
                .arg(entry.model(), ModelsSchema.HF_MODEL).build();
    }
}
