package dev.sparkd.mcp.discovery;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.sparkd.mcp.catalog.Catalog;
import dev.sparkd.mcp.upstream.Upstream;
import dev.sparkd.mcp.upstream.Upstreams;
import dev.sparkd.daemon.api.ApiError;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/servers}: every upstream with its state, protocol version and the tools it contributes. */
@Path("/api/v1/servers")
@Produces(MediaType.APPLICATION_JSON)
public class ServersResource {
    private final Upstreams upstreams;
    private final Catalog catalog;

    public ServersResource(Upstreams upstreams, Catalog catalog) {
        this.upstreams = upstreams;
        this.catalog = catalog;
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServerView(String name, String transport, String state, String reason, String since, String protocol_version,
            String server_name, String server_version, int restarts, int tool_count, List<String> tools, List<Renamed> renamed) {
    }

    @RegisterForReflection
    public record Renamed(String tool, String exposed_as, String reason) {
    }

    @GET
    public List<ServerView> list() {
        return upstreams.all().stream().map(this::view).toList();
    }

    @GET
    @Path("/{name}")
    public ServerView one(@PathParam("name") String name) {
        return upstreams.get(name).map(this::view)
                .orElseThrow(() -> ApiError.notFound("no upstream server named \"" + name + "\"", "GET /api/v1/servers lists them"));
    }

    private ServerView view(Upstream u) {
        List<Catalog.Entry> entries = catalog.ofServer(u.name());
        List<Renamed> renamed = entries.stream().filter(e -> e.renamed() != null)
                .map(e -> new Renamed(e.tool().name(), e.exposed(), e.renamed())).toList();
        return new ServerView(u.name(), u.settings().stdio() ? "stdio" : "streamable-http", u.state().label(), u.reason(),
                u.since().toString(), u.protocolVersion(), u.serverInfo() == null ? null : u.serverInfo().name(),
                u.serverInfo() == null ? null : u.serverInfo().version(), u.restarts(), entries.size(),
                entries.stream().map(Catalog.Entry::exposed).toList(), renamed.isEmpty() ? null : renamed);
    }
}
