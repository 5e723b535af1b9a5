package dev.sparkd.router.keys;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sparkd.daemon.api.ApiError;
import dev.sparkd.daemon.edge.AdminOnly;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Admin API for API keys, answered only with the admin token (what {@code router keys …} sends); where a caller
 * connects from is never a credential.
 * The secret is in the answer to create, and nowhere else ever.
 */
@AdminOnly
@Path("/api/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {
    private final KeyStore keys;

    public KeysResource(KeyStore keys) {
        this.keys = keys;
    }

    /** Body of {@code POST /api/v1/keys}. */
    public record CreateRequest(String name, List<String> routes, Integer rpm, Double daily_usd, Double monthly_usd, Boolean local_only) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> create(CreateRequest body) {
        if (body == null || body.name() == null || !body.name().matches("[A-Za-z0-9._@-]{1,64}")) {
            throw ApiError.badRequest("a key needs a `name` of letters, digits, . _ @ -", "e.g. {\"name\":\"laptop\"}");
        }
        return keys.create(body.name(), body.routes() == null ? Set.of() : Set.copyOf(body.routes()), body.rpm() == null ? 0 : body.rpm(),
                body.daily_usd() == null ? 0 : body.daily_usd(), body.monthly_usd() == null ? 0 : body.monthly_usd(),
                Boolean.TRUE.equals(body.local_only())).map(c -> {
                    Map<String, Object> out = view(c.key());
                    out.put("key", c.secret());
                    return out;
                });
    }

    @GET
    public Uni<List<Map<String, Object>>> list() {
        return keys.list().map(all -> all.stream().map(KeysResource::view).toList());
    }

    @DELETE
    @Path("{id}")
    public Uni<Map<String, Object>> revoke(@PathParam("id") String id) {
        return keys.revoke(id).map(ok -> {
            if (!ok) {
                throw ApiError.notFound("no active key with id \"" + id + "\"", "list keys with `router keys list`");
            }
            return Map.<String, Object>of("id", id, "revoked", true);
        });
    }

    static Map<String, Object> view(ApiKey k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("name", k.name());
        m.put("routes", k.routes());
        m.put("rpm", k.rpm());
        m.put("daily_usd", k.dailyUsd());
        m.put("monthly_usd", k.monthlyUsd());
        m.put("local_only", k.localOnly());
        m.put("created_at", k.createdAt().toString());
        m.put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString());
        return m;
    }
}
