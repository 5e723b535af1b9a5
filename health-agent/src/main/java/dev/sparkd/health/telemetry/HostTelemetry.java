package dev.sparkd.health.telemetry;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import dev.sparkd.core.host.HostOutput;
import dev.sparkd.core.config.Host;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.ssh.CommandResult;
import dev.sparkd.core.ssh.HostKeyChangedException;
import dev.sparkd.core.ssh.HostKeyVerificationException;
import dev.sparkd.core.ssh.RemoteCommand;
import dev.sparkd.core.ssh.SshAuthException;
import dev.sparkd.core.ssh.SshException;
import dev.sparkd.core.ssh.SshRunner;
import dev.sparkd.core.ssh.SshTarget;

/**
 * One telemetry round on one host over the shared SSH runner (one connection per host, reused): GPU figures from
 * {@code nvidia-smi} CSV, memory from {@code /proc/meminfo}, free space of the models directories (each judged against
 * {@code [health] disk_warning}), and the state of
 * the containers services declare. Blocking: call it on a worker thread. A host-key failure ends the round before
 * anything runs, and the reason names the presented fingerprint.
 */
public final class HostTelemetry {
    private static final Logger LOG = Logger.getLogger(HostTelemetry.class);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final Host host;
    private final SshTarget target;
    private final Map<String, String> containers; // container → service
    private final SshRunner ssh;
    private final double diskWarning;
    private volatile String lastProblem;
    private final Map<String, ExitCause> exitCauses = new ConcurrentHashMap<>();

    public HostTelemetry(Host host, List<ServiceDef> services, SshRunner ssh, double diskWarning) {
        this.host = host;
        this.diskWarning = diskWarning;
        this.ssh = ssh;
        Host.SshSettings s = host.ssh().orElseThrow();
        this.target = new SshTarget(host.address(), s.port(), s.user(), s.keyFile(), s.knownHosts(), Optional.empty(), Optional.of(host.name()));
        Map<String, String> c = new LinkedHashMap<>();
        services.stream().filter(d -> d.host().filter(host.name()::equals).isPresent())
                .forEach(d -> d.container().ifPresent(name -> c.put(name, d.name())));
        this.containers = c;
    }

    public Host host() {
        return host;
    }

    public HostStatus collect() {
        String kind = host.gpu().name().toLowerCase();
        try {
            HostStatus.Gpu gpu = null;
            Integer processes = null;
            Long processBytes = null;
            if (host.gpu() != Host.GpuKind.NONE) {
                CommandResult smi = run(RemoteCommand.of("nvidia-smi", "--query-gpu=" + Parsers.GPU_FIELDS, "--format=csv,noheader,nounits"));
                if (smi.succeeded()) {
                    gpu = Parsers.gpu(smi.stdout()).orElse(null);
                }
                CommandResult apps = run(RemoteCommand.of("nvidia-smi", "--query-compute-apps=pid,process_name,used_memory",
                        "--format=csv,noheader,nounits"));
                if (apps.succeeded()) {
                    long[] a = Parsers.computeApps(apps.stdout());
                    processes = (int) a[0];
                    processBytes = a[1] < 0 ? null : a[1];
                }
            }
            Map<String, Long> mem = HostOutput.meminfo(run(RemoteCommand.of("cat", "/proc/meminfo")).stdout());
            Long total = mem.get("MemTotal");
            Long available = mem.get("MemAvailable");
            List<HostStatus.Disk> disks = List.of();
            if (!host.modelsDirs().isEmpty()) {
                RemoteCommand.Builder df = RemoteCommand.builder("df").args("-B1", "--output=file,size,avail");
                host.modelsDirs().stream().map(Path::toString).forEach(df::arg);
                disks = Parsers.df(run(df.build()).stdout()).stream().map(d -> d.assessed(diskWarning)).toList();
            }
            Map<String, HostStatus.Container> states = new LinkedHashMap<>();
            for (var e : containers.entrySet()) {
                CommandResult r = run(RemoteCommand.of("docker", "inspect", "-f", "{{json .State}}", e.getKey()));
                states.put(e.getKey(), r.succeeded() ? withExitCause(e.getKey(), Parsers.container(e.getValue(), r.stdout().strip()))
                        : HostStatus.Container.unknown(e.getValue(), "missing"));
            }
            if (lastProblem != null) {
                LOG.infof("telemetry of %s works again", host.name());
                lastProblem = null;
            }
            return new HostStatus(host.name(), kind, true, null, Instant.now(), gpu, host.gpu() == Host.GpuKind.GB10,
                    total, available, total != null && available != null ? total - available : null, processBytes, processes,
                    disks, states);
        } catch (HostKeyVerificationException e) {
            String why = (e instanceof HostKeyChangedException ? "host key CHANGED: " : "host key not trusted: ")
                    + host.name() + " presented " + e.keyType() + " " + e.fingerprint() + ", which " + e.knownHosts()
                    + " does not vouch for; refusing to connect, no command ran";
            return failed(kind, why);
        } catch (SshAuthException e) {
            return failed(kind, "SSH login refused: " + e.getMessage());
        } catch (SshException e) {
            return failed(kind, "SSH failed: " + e.getMessage());
        } catch (RuntimeException e) {
            return failed(kind, "telemetry failed: " + e);
        }
    }

    /**
     * An exited container's cause from its log (vLLM's watchdog exits on EngineDeadError, its memory check on a
     * ValueError): read once per exit, then kept while the container stays exited.
     */
    private HostStatus.Container withExitCause(String name, HostStatus.Container c) {
        if (!c.exited()) {
            exitCauses.remove(name);
            return c;
        }
        ExitCause known = exitCauses.get(name);
        if (known == null || !Objects.equals(known.finishedAt(), c.finishedAt())) {
            CommandResult logs = run(RemoteCommand.of("docker", "logs", "--tail", "20", name));
            known = new ExitCause(c.finishedAt(), logs.succeeded() ? HostOutput.exitCause(logs.stdout() + "\n" + logs.stderr()) : null);
            exitCauses.put(name, known);
        }
        return known.cause() == null ? c : c.withError(known.cause());
    }

    private record ExitCause(Instant finishedAt, String cause) {
    }

    private HostStatus failed(String kind, String reason) {
        if (!reason.equals(lastProblem)) {
            LOG.warnf("telemetry of %s: %s", host.name(), reason);
            lastProblem = reason;
        }
        return new HostStatus(host.name(), kind, false, reason, Instant.now(), null, null, null, null, null, null, null, List.of(), Map.of());
    }

    private CommandResult run(RemoteCommand command) {
        return ssh.run(target, command, COMMAND_TIMEOUT);
    }
}
