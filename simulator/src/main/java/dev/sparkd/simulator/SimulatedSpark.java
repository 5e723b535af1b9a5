package dev.sparkd.simulator;

import dev.sparkd.simulator.config.SparkConfig;
import dev.sparkd.simulator.config.SshConfig;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultSet;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.host.ContainerBackend;
import dev.sparkd.simulator.host.Disk;
import dev.sparkd.simulator.http.SimulatedService;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One simulated DGX Spark: its disk, host faults, SSH settings, the container runtime, and the services on it.
 * The SSH side of the simulator reads {@link #disk()}, {@link #hostFaults()} ({@code gpu_hot}) and
 * {@link #containerBackend()} from here.
 */
public final class SimulatedSpark {
    private final SparkConfig config;
    private final Disk disk;
    private final FaultSet hostFaults = new FaultSet(FaultType.Scope.HOST);
    private final List<SimulatedService> services = new CopyOnWriteArrayList<>();
    private ContainerBackend containerBackend;

    SimulatedSpark(SparkConfig config) {
        this.config = config;
        this.disk = new Disk(config.modelsPath(), config.diskTotal(), config.diskUsed());
        hostFaults.onChange(type -> {
            if (type == FaultType.DISK_FULL) {
                disk.setFull(hostFaults.has(FaultType.DISK_FULL));
            }
        });
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

    /** The SSH endpoint this host should offer, or null. */
    public SshConfig ssh() {
        return config.ssh();
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
