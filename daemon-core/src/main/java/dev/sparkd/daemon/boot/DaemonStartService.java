package dev.sparkd.daemon.boot;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Records this process' start and answers how often the daemon has (re)started. */
@ApplicationScoped
public class DaemonStartService {
    private final DaemonStartRepository repository;
    private final OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);

    public DaemonStartService(DaemonStartRepository repository) {
        this.repository = repository;
    }

    public OffsetDateTime startedAt() {
        return startedAt;
    }

    @WithTransaction
    public Uni<DaemonStart> record(String daemon, String version) {
        return repository.persist(new DaemonStart(daemon, version, hostName(), ProcessHandle.current().pid(), startedAt));
    }

    /** Starts in the last 24 hours, this one included: more than one means the daemon restarted. */
    public Uni<Long> startsLastDay() {
        return repository.countSince(OffsetDateTime.now(ZoneOffset.UTC).minusDays(1));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }
}
