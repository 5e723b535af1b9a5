package dev.sparkd.models.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.sparkd.core.config.ByteSizes;
import dev.sparkd.core.config.Host;
import dev.sparkd.core.ssh.CommandResult;
import dev.sparkd.core.ssh.RemoteCommand;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Free space on the filesystem of a host's models directory, read with {@code df -B1 --output=avail,size DIR} over SSH
 * (the directory is validated, then quoted). Refuses a pull whose model plus the configured margin does not fit.
 */
@ApplicationScoped
public class DiskGuard {
    public static final String DEFAULT_MODELS_DIR = "/usr/share/ollama/.ollama/models";
    private static final Pattern DIR = Pattern.compile("/[A-Za-z0-9._/-]{0,255}");
    private final Backends backends;
    private final Map<String, Usage> lastSeen = new ConcurrentHashMap<>();

    public DiskGuard(Backends backends) {
        this.backends = backends;
    }

    /** The latest reading per host, for metrics. */
    public record Usage(String host, long available, long total) {
        public double usedRatio() {
            return total <= 0 ? 0 : (total - available) / (double) total;
        }
    }

    /** The outcome of a check: empty reason = fits. */
    public record Verdict(boolean fits, Optional<Usage> usage, String reason) {
    }

    public Map<String, Usage> lastSeen() {
        return Map.copyOf(lastSeen);
    }

    public String modelsDir(String service) {
        return backends.settings().ollama().get(service).modelsDir()
                .or(() -> backends.hostOf(service).flatMap(h -> h.modelsDirs().stream().findFirst()).map(Object::toString))
                .orElse(DEFAULT_MODELS_DIR);
    }

    /** Blocking (worker thread): measures, then compares with {@code modelBytes + minFree}. */
    public Verdict check(String service, long modelBytes, long minFree) {
        Optional<Usage> usage = measure(service);
        if (usage.isEmpty()) {
            return new Verdict(true, usage, "free space not checked: host of " + service + " has no ssh settings");
        }
        long needed = modelBytes + minFree;
        Usage u = usage.get();
        if (u.available() < needed) {
            return new Verdict(false, usage, "not enough disk space on " + u.host() + ":" + modelsDir(service) + ": needs "
                    + ByteSizes.format(needed) + " (model " + (modelBytes > 0 ? ByteSizes.format(modelBytes) : "size unknown")
                    + " + min_free_disk " + ByteSizes.format(minFree) + "), " + ByteSizes.format(u.available()) + " available");
        }
        return new Verdict(true, usage, "");
    }

    /** Blocking: one {@code df}; empty when the host has no SSH. Throws when df fails. */
    public Optional<Usage> measure(String service) {
        if (backends.sshTarget(service).isEmpty()) {
            return Optional.empty();
        }
        String dir = modelsDir(service);
        RemoteCommand df = RemoteCommand.builder("df").arg("-B1").arg("--output=avail,size").arg(dir, DIR).build();
        CommandResult r = backends.run(service, df, Duration.ofSeconds(20));
        if (!r.succeeded()) {
            throw new IllegalStateException("df " + dir + " failed (exit " + r.exitCode() + "): " + r.stderr().strip());
        }
        String[] lines = r.stdout().strip().split("\n");
        String[] cols = lines[lines.length - 1].trim().split("\\s+");
        String host = backends.hostOf(service).map(Host::name).orElse(service);
        Usage u = new Usage(host, Long.parseLong(cols[0]), Long.parseLong(cols[1]));
        lastSeen.put(host, u);
        return Optional.of(u);
    }
}
