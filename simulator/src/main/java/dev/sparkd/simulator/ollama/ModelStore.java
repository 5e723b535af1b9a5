package dev.sparkd.simulator.ollama;

import dev.sparkd.simulator.config.OllamaModelSpec;
import dev.sparkd.simulator.config.SimConfigLoader;
import dev.sparkd.simulator.host.Disk;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Ollama's models directory on one host: manifests by name and blobs by digest, with partially downloaded blobs kept
 * (so a cancelled pull resumes where it stopped). Every byte is accounted on the host's {@link Disk}.
 */
public final class ModelStore {
    private final Disk disk;
    private final Map<String, LocalModel> manifests = new TreeMap<>();
    private final Map<String, Long> blobBytes = new HashMap<>();
    private final Map<String, Long> blobSizes = new HashMap<>();

    public ModelStore(Disk disk) {
        this.disk = disk;
    }

    public Disk disk() {
        return disk;
    }

    /** Puts a model on disk at start, as if pulled earlier. */
    public synchronized void install(OllamaModelSpec spec) {
        Manifest m = Manifest.of(spec);
        for (Layer l : m.layers()) {
            long missing = l.size() - blobBytes.getOrDefault(l.digest(), 0L);
            if (!addBytes(l, missing)) {
                throw new IllegalStateException("disk too small for pre-installed model " + spec.name());
            }
        }
        manifests.put(spec.name(), new LocalModel(spec.name(), spec, m, Instant.now()));
    }

    public synchronized Optional<LocalModel> find(String name) {
        return Optional.ofNullable(manifests.get(SimConfigLoader.normalise(name)));
    }

    public synchronized List<LocalModel> all() {
        return List.copyOf(manifests.values());
    }

    public synchronized long bytesPresent(Layer layer) {
        return blobBytes.getOrDefault(layer.digest(), 0L);
    }

    public synchronized boolean complete(Layer layer) {
        return bytesPresent(layer) >= layer.size();
    }

    /** Records {@code bytes} more of {@code layer}; false (nothing recorded) when the disk cannot take them. */
    public synchronized boolean addBytes(Layer layer, long bytes) {
        if (bytes <= 0) {
            return true;
        }
        if (!disk.allocate(bytes)) {
            return false;
        }
        blobSizes.put(layer.digest(), layer.size());
        blobBytes.merge(layer.digest(), bytes, Long::sum);
        return true;
    }

    /**
     * Writes the manifest for {@code name}; returns whether blobs of the manifest it replaced became unused and were
     * removed (Ollama then reports "removing unused layers").
     */
    public synchronized boolean writeManifest(String name, OllamaModelSpec spec, Manifest manifest) {
        LocalModel previous = manifests.put(name, new LocalModel(name, spec, manifest, Instant.now()));
        return previous != null && prune(previous.manifest()) > 0;
    }

    /** Deletes a model; false when there is none by that name. */
    public synchronized boolean delete(String name) {
        LocalModel removed = manifests.remove(SimConfigLoader.normalise(name));
        if (removed == null) {
            return false;
        }
        prune(removed.manifest());
        return true;
    }

    /** Copies a manifest under a new name; blobs are shared, so no disk is used. */
    public synchronized boolean copy(String source, String destination) {
        LocalModel src = manifests.get(SimConfigLoader.normalise(source));
        if (src == null) {
            return false;
        }
        String dst = SimConfigLoader.normalise(destination);
        manifests.put(dst, new LocalModel(dst, src.spec(), src.manifest(), Instant.now()));
        return true;
    }

    /** Removes blobs of {@code old} that no manifest references any more; returns the bytes released. */
    private long prune(Manifest old) {
        Set<String> referenced = new HashSet<>();
        manifests.values().forEach(m -> m.manifest().layers().forEach(l -> referenced.add(l.digest())));
        long released = 0;
        for (Layer l : old.layers()) {
            if (!referenced.contains(l.digest()) && blobBytes.containsKey(l.digest())) {
                released += blobBytes.remove(l.digest());
                blobSizes.remove(l.digest());
            }
        }
        disk.release(released);
        return released;
    }
}
