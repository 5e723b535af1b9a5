package dev.sparkd.models.api;

import java.util.List;
import java.util.Map;

import dev.sparkd.daemon.api.ApiError;
import dev.sparkd.models.engine.ModelsService;
import dev.sparkd.models.engine.Plan;
import dev.sparkd.models.engine.SwapService;
import dev.sparkd.models.operation.OperationView;
import dev.sparkd.daemon.edge.AdminOnly;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code /api/v1}: plan, reconcile, operations, swaps. Maps {@link ModelsService}'s answers to HTTP; waits on nothing. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
    private final ModelsService models;

    public ModelsResource(ModelsService models) {
        this.models = models;
    }

    /** The swap request body: a catalog key, nothing else. */
    /** {@code force}: skip the free-memory check before {@code docker run} (vLLM still checks for itself). */
    public record SwapRequest(String model, Boolean force) {
    }

    @GET
    @AdminOnly // fans out SSH commands and probes on every call
    @Path("/plan")
    public Uni<Plan> plan(@QueryParam("force_prune") boolean forcePrune) {
        return models.plan(forcePrune);
    }

    @POST
    @AdminOnly
    @Path("/reconcile")
    public Uni<Response> reconcile() {
        return Uni.createFrom().item(models::startReconcile)
                .map(started -> Response.status(started ? 202 : 409).entity(Map.of("started", started)).build());
    }

    /** The vLLM services and their catalogs, for the swap page; from memory, so open like the operations. */
    @GET
    @Path("/services")
    public Uni<List<VllmServiceView>> services() {
        return models.vllmServices();
    }

    @GET
    @Path("/operations")
    public Uni<List<OperationView>> operations() {
        return Uni.createFrom().item(models::operations);
    }

    @GET
    @Path("/operations/{id}")
    public Uni<OperationView> operation(@PathParam("id") String id) {
        return Uni.createFrom().optional(models.operation(id)).onItem().ifNull().failWith(
                () -> ApiError.notFound("no operation " + id + " in this process", "GET /api/v1/operations lists them"));
    }

    @POST
    @AdminOnly
    @Path("/services/{name}/swap")
    public Uni<Response> swap(@PathParam("name") String service, SwapRequest body) {
        return models.startSwap(service, body == null ? null : body.model(), body != null && Boolean.TRUE.equals(body.force()))
                .map(op -> Response.status(202).entity(op.view()).build())
                .onFailure(SwapService.NotInCatalog.class).transform(e -> ApiError.badRequest(e.getMessage(),
                        "swap to a key of [models." + service + ".catalog]"))
                .onFailure(SwapService.Busy.class).transform(e -> new BusyError((SwapService.Busy) e));
    }

    /** 409 with the running operation's id. */
    static final class BusyError extends ApiError {
        BusyError(SwapService.Busy busy) {
            super(409, "conflict", busy.getMessage(), busy.operationId() == null ? "retry when it finished"
                    : "follow it at /api/v1/operations/" + busy.operationId());
        }
    }
}
