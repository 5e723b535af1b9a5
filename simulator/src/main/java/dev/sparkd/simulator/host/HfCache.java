package dev.sparkd.simulator.host;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * One simulated host's Hugging Face cache (the directory {@code docker run -v …:/root/.cache/huggingface} mounts) and
 * the Hub it downloads from. A model in the cache starts at once; one that is not pays a download at the host's speed,
 * growing the cache (and using the disk) as it goes, so {@code du -sb …/hub/models--org--name} shows progress.
 * Errors carry huggingface_hub's own exception text. One cache per host, whatever path it is mounted from. Thread-safe.
 */
public final class HfCache {
    /** Where vLLM images (running as root) keep the cache. */
    public static final String CONTAINER_PATH = "/root/.cache/huggingface";
    private static final long CHUNK_MILLIS = 50;

    /** A model on the simulated Hub. */
    public record HubModel(String id, long size, boolean gated) {
    }

    /** What huggingface_hub raised: the last lines of its traceback. */
    public static final class HubError extends Exception {
        private final List<String> lines;

        public HubError(List<String> lines) {
            super(lines.get(0));
            this.lines = List.copyOf(lines);
        }

        public List<String> lines() {
            return lines;
        }
    }

    private final Map<String, HubModel> hub;
    private final Map<String, Long> present = new HashMap<>();
    private final Disk disk;
    private volatile long bytesPerSecond;

    /**
     * @param hub            the models that exist on the simulated Hub, by id
     * @param cached         ids already complete in the cache at start (their bytes count as used disk already)
     * @param bytesPerSecond download speed
     */
    public HfCache(Map<String, HubModel> hub, Collection<String> cached, Disk disk, long bytesPerSecond) {
        this.hub = Map.copyOf(hub);
        this.disk = disk;
        this.bytesPerSecond = Math.max(1, bytesPerSecond);
        for (String id : cached) {
            HubModel m = hub.get(id);
            if (m != null) {
                present.put(id, m.size());
            }
        }
    }

    public void bytesPerSecond(long speed) {
        this.bytesPerSecond = Math.max(1, speed);
    }

    public Optional<HubModel> model(String id) {
        return Optional.ofNullable(hub.get(id));
    }

    /** Bytes of {@code id} in the cache (partial while it downloads). */
    public synchronized long present(String id) {
        return present.getOrDefault(id, 0L);
    }

    /** Bytes present per model id (complete or partial). */
    public synchronized Map<String, Long> contents() {
        return Map.copyOf(present);
    }

    public synchronized boolean cached(String id) {
        HubModel m = hub.get(id);
        return m != null && present.getOrDefault(id, 0L) >= m.size();
    }

    /** Drops {@code id} from the cache, freeing its disk space (a test's {@code rm -rf models--…}). */
    public synchronized void evict(String id) {
        Long bytes = present.remove(id);
        if (bytes != null) {
            disk.release(bytes);
        }
    }

    /** {@code du -sb PATH}: a repo folder {@code …/hub/models--org--name}, {@code …/hub} or the cache root; else empty. */
    public synchronized OptionalLong du(String path) {
        String p = path.replaceAll("/+$", "");
        int at = p.lastIndexOf("/models--");
        if (at >= 0 && p.substring(0, at).endsWith("/hub")) {
            String id = p.substring(at + "/models--".length()).replace("--", "/");
            return present.containsKey(id) ? OptionalLong.of(present.get(id)) : OptionalLong.empty();
        }
        return OptionalLong.of(present.values().stream().mapToLong(Long::longValue).sum());
    }

    /**
     * What huggingface_hub raises before any byte moves: an unknown repo, a gated one without a token, or offline mode
     * with the weights absent. Empty = it may proceed.
     */
    public Optional<HubError> refusal(String id, String token, boolean offline) {
        HubModel m = hub.get(id);
        if (offline) {
            return cached(id) ? Optional.empty() : Optional.of(new HubError(List.of(
                    "huggingface_hub.errors.LocalEntryNotFoundError: Cannot find an appropriate cached snapshot folder for the "
                            + "specified revision on the local disk and outgoing traffic has been disabled. To enable repo "
                            + "look-ups and downloads online, set 'HF_HUB_OFFLINE=0' as environment variable.")));
        }
        if (m == null) {
            return Optional.of(new HubError(List.of(
                    "huggingface_hub.errors.RepositoryNotFoundError: 401 Client Error. (Request ID: Root=1-sim)", "",
                    "Repository Not Found for url: https://huggingface.co/api/models/" + id + "/revision/main.",
                    "Please make sure you specified the correct `repo_id` and `repo_type`.",
                    "If you are trying to access a private or gated repo, make sure you are authenticated. For more "
                            + "details, see https://huggingface.co/docs/huggingface_hub/authentication",
                    "Invalid username or password.")));
        }
        if (m.gated() && (token == null || token.isBlank())) {
            return Optional.of(new HubError(List.of(
                    "huggingface_hub.errors.GatedRepoError: 401 Client Error. (Request ID: Root=1-sim)", "",
                    "Cannot access gated repo for url https://huggingface.co/" + id + "/resolve/main/config.json.",
                    "Access to model " + id + " is restricted. You must have access to it and be authenticated to access it. "
                            + "Please log in.")));
        }
        return Optional.empty();
    }

    /**
     * Blocking: downloads what is missing of {@code id} ({@code snapshot_download}), in small steps at the host's speed,
     * until complete or {@code cancelled}. Throws huggingface_hub's errors, or {@code OSError: [Errno 28]} when the disk
     * fills.
     */
    public void download(String id, String token, boolean offline, BooleanSupplier cancelled) throws HubError, InterruptedException {
        Optional<HubError> refused = refusal(id, token, offline);
        if (refused.isPresent()) {
            throw refused.get();
        }
        HubModel m = hub.get(id);
        while (!cached(id)) {
            if (cancelled.getAsBoolean()) {
                return;
            }
            Thread.sleep(CHUNK_MILLIS);
            long step = Math.max(1, bytesPerSecond * CHUNK_MILLIS / 1000);
            synchronized (this) {
                long have = present.getOrDefault(id, 0L);
                long take = Math.min(step, m.size() - have);
                if (!disk.allocate(take)) {
                    throw new HubError(List.of("OSError: [Errno 28] No space left on device"));
                }
                present.put(id, have + take);
            }
        }
    }
}
