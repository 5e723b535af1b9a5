package dev.sparkd.simulator.ssh;

import dev.sparkd.simulator.host.Container;
import dev.sparkd.simulator.host.ContainerBackend;
import dev.sparkd.simulator.host.Containers;
import dev.sparkd.simulator.host.Disk;
import dev.sparkd.simulator.host.Gpu;
import dev.sparkd.simulator.host.GpuProfile;
import dev.sparkd.simulator.host.MemInfo;
import java.util.ArrayList;
import java.util.List;

/** Simulated hosts for tests, with a backend that starts containers at once and records what it was asked. */
final class TestHosts {
    static final long TB = 1_000_000_000_000L;

    private TestHosts() {
    }

    /** A backend like the HTTP side's: marks the container running and logs what vLLM prints at start. */
    static final class FakeBackend implements ContainerBackend {
        final List<Container> started = new ArrayList<>();

        @Override
        public synchronized void start(Container c) {
            started.add(c);
            c.log("INFO 11-21 19:40:01 [api_server.py:1885] vLLM API server version 0.11.0");
            c.log("INFO 11-21 19:40:02 [api_server.py:1886] args: model='" + c.spec().model() + "'");
            c.log("INFO:     Application startup complete.");
            c.running();
        }
    }

    static SshHost gb10(FakeBackend backend) {
        return host("spark-1", GpuProfile.GB10, backend);
    }

    static SshHost discrete(FakeBackend backend) {
        return host("rtx-box", GpuProfile.DISCRETE, backend);
    }

    static SshHost host(String name, GpuProfile profile, FakeBackend backend) {
        Containers containers = new Containers();
        Gpu gpu = new Gpu(profile, containers);
        return new SshHost(name, gpu, new MemInfo(profile, gpu), new Disk("/home/spark/models", 4 * TB, TB + 123_456_789L),
                containers, backend);
    }
}
