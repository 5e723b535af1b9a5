package dev.sparkd.simulator;

import dev.sparkd.simulator.config.SparkConfig;
import dev.sparkd.simulator.config.SshConfig;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultSet;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.host.Container;
import dev.sparkd.simulator.host.ContainerBackend;
import dev.sparkd.simulator.host.HfCache;
import dev.sparkd.simulator.host.HostFiles;
import dev.sparkd.simulator.host.Containers;
import dev.sparkd.simulator.host.Disk;
import dev.sparkd.simulator.host.Gpu;
import dev.sparkd.simulator.host.GpuProfile;
import dev.sparkd.simulator.host.MemInfo;
import dev.sparkd.simulator.http.SimulatedService;
import dev.sparkd.simulator.ssh.SimSshServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One simulated DGX Spark: its disk, GPU, memory, docker containers, host faults, SSH server, and the services on it.
 * The HTTP and SSH sides share these objects, so a {@code docker run} over SSH starts a server the HTTP side serves,
 * and a host fault set through the control API shows in {@code df} and {@code nvidia-smi}.
 */
public final class SimulatedSpark {
    private final SparkConfig config;
    private final Disk disk;
    private final Containers containers = new Containers();
    private final Gpu gpuDevice;
    private final MemInfo memInfo;
    private final FaultSet hostFaults = new FaultSet(FaultType.Scope.HOST);
    private final List<SimulatedService> services = new CopyOnWriteArrayList<>();
    private final HostFiles files = new HostFiles();
    private ContainerBackend containerBackend;
    private HfCache hfCache;
    private volatile SimSshServer ssh;

    SimulatedSpark(SparkConfig config) {
        this.config = config;
        this.disk = new Disk(config.modelsPath(), config.diskTotal(), config.diskUsed());
        GpuProfile profile = profileOf(config.gpu());
        // one stable UUID per host name: two simulated Sparks must not report the same GPU
        String uuid = "GPU-" + UUID.nameUUIDFromBytes(config.name().getBytes(StandardCharsets.UTF_8));
        this.gpuDevice = new Gpu(profile, containers, Clock.systemUTC(), uuid);
        this.memInfo = new MemInfo(profile, gpuDevice);
        if (config.images() != null) {
            containers.images().configure(config.images(), config.imageSize(), config.imagePullSpeed());
        }
        hostFaults.onChange(this::hostFaultChanged);
    }

    /** {@code [sparks.X] gpu}: {@code gb10} (unified memory) or {@code discrete} (a card with its own memory). */
    static GpuProfile profileOf(String gpu) {
        return switch (gpu) {
            case "discrete" -> GpuProfile.DISCRETE;
            default -> GpuProfile.GB10;
        };
    }

    private void hostFaultChanged(FaultType type) {
        switch (type) {
            case DISK_FULL -> disk.setFull(hostFaults.has(FaultType.DISK_FULL));
            case GPU_HOT -> {
                Optional<Fault> hot = gpuHot();
                gpuDevice.setHot(hot.isPresent(), hot.map(f -> f.intParam("celsius", Gpu.DEFAULT_HOT_CELSIUS))
                        .orElse(Gpu.DEFAULT_HOT_CELSIUS));
            }
            case SLOW -> applySshLatency();
            default -> { }
        }
    }

    /** A {@code slow} host fault makes every SSH command take {@code delay_ms} longer (default 1000). */
    private void applySshLatency() {
        SimSshServer server = ssh;
        if (server != null) {
            Duration latency = hostFaults.get(FaultType.SLOW).map(f -> Duration.ofMillis(f.longParam("delay_ms", 1000)))
                    .orElse(Duration.ZERO);
            server.interpreter().setLatency(latency);
        }
    }

    public String name() {
        return config.name();
    }

    public String gpu() {
        return config.gpu();
    }

    public Disk disk() {
        return disk;
    }

    /** Host-level faults: {@code disk_full} (applied to {@link #disk()}) and {@code gpu_hot} (for the SSH side). */
    public FaultSet hostFaults() {
        return hostFaults;
    }

    /** The {@code gpu_hot} fault, if active (its {@code celsius} parameter says how hot). */
    public Optional<Fault> gpuHot() {
        return hostFaults.get(FaultType.GPU_HOT);
    }

    /** The GPU {@code nvidia-smi} reports (profile from {@code gpu}; hot while the {@code gpu_hot} fault is set). */
    public Gpu gpuDevice() {
        return gpuDevice;
    }

    /** {@code /proc/meminfo} of this host. */
    public MemInfo memInfo() {
        return memInfo;
    }

    /** The docker daemon's containers: those started over SSH and one per configured vLLM service. */
    public Containers containers() {
        return containers;
    }

    /** This host's running SSH server (port, host-key fingerprint, known_hosts line, command log), or null. */
    public SimSshServer ssh() {
        return ssh;
    }

    /** The configured SSH endpoint, or null when the spark has no {@code [sparks.X.ssh]} table. */
    public SshConfig sshConfig() {
        return config.ssh();
    }

    void ssh(SimSshServer server) {
        this.ssh = server;
        applySshLatency();
    }

    /** Files sparkd wrote on this host over SSH (env files for {@code docker run --env-file}). */
    public HostFiles files() {
        return files;
    }

    /** This host's Hugging Face cache (what {@code -v …:/root/.cache/huggingface} mounts). */
    public HfCache hfCache() {
        return hfCache;
    }

    void hfCache(HfCache cache) {
        this.hfCache = cache;
    }

    /**
     * A reboot: every running container stops, and after {@code down} the
     * docker daemon starts again those whose restart policy says so ({@code always}; {@code unless-stopped} unless a
     * user stopped it). Returns the names of the containers started again. Blocks for {@code down}.
     */
    public List<String> reboot(Duration down) throws InterruptedException {
        List<Container> restart = new ArrayList<>();
        for (Container c : containers.list()) {
            boolean wasRunning = c.status() == Container.Status.RUNNING;
            if (wasRunning) {
                c.stop();
            }
            if (c.spec().restartsAfterReboot(c.stoppedByUser()) && (wasRunning || c.spec().restart().equals("always"))) {
                restart.add(c);
            }
        }
        Thread.sleep(down.toMillis());
        List<String> started = new ArrayList<>();
        for (Container c : restart) {
            c.restarting();
            containerBackend.start(c);
            started.add(c.spec().name());
        }
        return started;
    }

    public ContainerBackend containerBackend() {
        return containerBackend;
    }

    void containerBackend(ContainerBackend backend) {
        this.containerBackend = backend;
    }

    /** Services configured on this host plus those its containers started. */
    public List<SimulatedService> services() {
        return List.copyOf(services);
    }

    void add(SimulatedService s) {
        services.add(s);
    }

    void remove(SimulatedService s) {
        services.remove(s);
    }

    public SparkConfig config() {
        return config;
    }
}
