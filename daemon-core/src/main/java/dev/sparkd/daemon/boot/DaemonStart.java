package dev.sparkd.daemon.boot;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One start of a daemon, kept so restarts are visible in {@code /api/v1/info}. */
@Entity
@Table(name = "daemon_start")
public class DaemonStart {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String daemon;

    @Column(nullable = false)
    public String version;

    @Column(name = "host_name", nullable = false)
    public String hostName;

    @Column(nullable = false)
    public long pid;

    @Column(name = "started_at", nullable = false)
    public OffsetDateTime startedAt;

    protected DaemonStart() {
    }

    public DaemonStart(String daemon, String version, String hostName, long pid, OffsetDateTime startedAt) {
        this.daemon = daemon;
        this.version = version;
        this.hostName = hostName;
        this.pid = pid;
        this.startedAt = startedAt;
    }
}
