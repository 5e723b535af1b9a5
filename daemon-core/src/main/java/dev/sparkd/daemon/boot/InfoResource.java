package dev.sparkd.daemon.boot;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.sparkd.core.config.Host;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.edge.AdminOnly;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/v1/info}: which daemon this is, what it was configured with — names, kinds and addresses, never a
 * secret (secrets are shown as references at most) — and how often it restarted. Admin only: addresses, paths and
 * topology help whoever plans an attack more than whoever runs a health check ({@code /q/health/*} stays open).
 */
@AdminOnly
@Path("/api/v1/info")
@Produces(MediaType.APPLICATION_JSON)
public class InfoResource {
    private final SuiteConfig config;
    private final DaemonConfig daemon;
    private final DaemonStartService starts;
    private final String version;
    private final String listen;

    public InfoResource(SuiteConfig config, DaemonConfig daemon, DaemonStartService starts,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version,
            @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1") String host,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "0") int port) {
        this.config = config;
        this.daemon = daemon;
        this.starts = starts;
        this.version = version;
        this.listen = host + ":" + port;
    }

    public record Info(String daemon, String version, String suite, String config_file, String listen, String state_dir,
            String database, OffsetDateTime started_at, long uptime_seconds, long starts_last_24h,
            List<HostInfo> hosts, List<ServiceInfo> services) {
    }

    public record HostInfo(String name, String address, String gpu, boolean ssh) {
    }

    public record ServiceInfo(String name, String kind, String host, String url) {
    }

    @GET
    public Uni<Info> info() {
        return starts.startsLastDay().map(this::info);
    }

    private Info info(long startsLastDay) {
        OffsetDateTime started = starts.startedAt();
        return new Info(daemon.daemon(), version, config.suite().name(), config.file().toString(), listen,
                config.suite().stateDir(daemon.daemon()).toString(), config.database().toString(), started,
                Duration.between(started, OffsetDateTime.now(ZoneOffset.UTC)).toSeconds(), startsLastDay,
                config.hosts().values().stream().map(InfoResource::host).sorted((a, b) -> a.name().compareTo(b.name())).toList(),
                config.services().values().stream().map(InfoResource::service).sorted((a, b) -> a.name().compareTo(b.name())).toList());
    }

    private static HostInfo host(Host h) {
        return new HostInfo(h.name(), h.address(), h.gpu().name().toLowerCase(), h.ssh().isPresent());
    }

    private static ServiceInfo service(ServiceDef s) {
        return new ServiceInfo(s.name(), s.kind().key(), s.host().orElse(null), s.baseUri().toString());
    }
}
