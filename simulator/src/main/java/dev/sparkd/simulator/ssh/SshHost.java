package dev.sparkd.simulator.ssh;

import dev.sparkd.simulator.host.ContainerBackend;
import dev.sparkd.simulator.host.Containers;
import dev.sparkd.simulator.host.Disk;
import dev.sparkd.simulator.host.Gpu;
import dev.sparkd.simulator.host.HfCache;
import dev.sparkd.simulator.host.HostFiles;
import dev.sparkd.simulator.host.MemInfo;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the SSH side of one simulated host reads or changes. The same {@link Containers}, {@link Disk} and
 * {@link Gpu} objects are shared with the HTTP side, so a {@code docker run} over SSH starts a model the HTTP side
 * then serves, and an Ollama pull over HTTP shows up in {@code df}.
 *
 * @param hostname     what {@code hostname} prints
 * @param gpu          the GPU ({@code nvidia-smi}); its profile decides {@code uname -m}
 * @param memInfo      {@code /proc/meminfo}
 * @param disk         the filesystem holding the models directory ({@code df})
 * @param mount        how that filesystem appears in {@code df} (device, type, mount point)
 * @param containers   the docker daemon's containers
 * @param backend      what {@code docker run} calls to bring a container to life
 * @param files        files sparkd wrote on the host ({@code install /dev/stdin}), read by {@code docker run --env-file}
 * @param hfCache      the Hugging Face cache ({@code du}, {@code -v …:/root/.cache/huggingface})
 */
public record SshHost(String hostname, Gpu gpu, MemInfo memInfo, Disk disk, Mount mount, Containers containers,
                      ContainerBackend backend, HostFiles files, HfCache hfCache) {

    /** A mounted filesystem as {@code df} shows it. */
    public record Mount(String source, String fstype, String target) {
        /** A DGX Spark's single NVMe root filesystem. */
        public static final Mount SPARK_ROOT = new Mount("/dev/nvme0n1p2", "ext4", "/");
    }

    public SshHost {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(gpu, "gpu");
        Objects.requireNonNull(memInfo, "memInfo");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(mount, "mount");
        Objects.requireNonNull(containers, "containers");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(hfCache, "hfCache");
    }

    /** A host with an empty Hugging Face cache and no files written yet. */
    public SshHost(String hostname, Gpu gpu, MemInfo memInfo, Disk disk, Mount mount, Containers containers,
                   ContainerBackend backend) {
        this(hostname, gpu, memInfo, disk, mount, containers, backend, new HostFiles(), new HfCache(Map.of(), List.of(), disk, 1));
    }

    /** The usual shape: root filesystem on NVMe holds the models directory. */
    public SshHost(String hostname, Gpu gpu, MemInfo memInfo, Disk disk, Containers containers, ContainerBackend backend) {
        this(hostname, gpu, memInfo, disk, Mount.SPARK_ROOT, containers, backend);
    }

    /** The usual shape, with the host's files and Hugging Face cache. */
    public SshHost(String hostname, Gpu gpu, MemInfo memInfo, Disk disk, Containers containers, ContainerBackend backend,
                   HostFiles files, HfCache hfCache) {
        this(hostname, gpu, memInfo, disk, Mount.SPARK_ROOT, containers, backend, files, hfCache);
    }
}
