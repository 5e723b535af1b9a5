package dev.sparkd.models.api;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.sparkd.models.ModelManagerBeans;
import dev.sparkd.models.engine.Plan;
import dev.sparkd.models.engine.SwapService;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.OperationView;
import dev.sparkd.daemon.api.ApiError;
import dev.sparkd.daemon.edge.AdminOnly;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code /api/v1}: plan, reconcile, operations, swaps. Work that waits on backends runs on workers, never here. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
    private final ModelManagerBeans beans;

    public ModelsResource(ModelManagerBeans beans) {
        this.beans = beans;
    }

    /** The swap request body: a catalog key, nothing else. */
    public record SwapRequest(String model) {
    }

    @GET
    @AdminOnly // fans out SSH commands and probes on every call
    @Path("/plan")
    public Uni<Plan> plan(@QueryParam("force_prune") boolean forcePrune) {
        return Uni.createFrom().item(() -> {
            Plan p = beans.manager().plan(forcePrune);
            beans.metrics().planned(p);
            return p;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @POST
    @AdminOnly
    @Path("/reconcile")
    public Response reconcile() {
        boolean started = beans.triggerReconcile();
        return Response.status(started ? 202 : 409).entity(Map.of("started", started)).build();
    }

    @GET
    @Path("/operations")
    public List<OperationView> operations() {
        return beans.manager().operations().all().stream().map(Operation::view)
                .sorted(Comparator.comparing(OperationView::startedAt).reversed()).toList();
    }

    @GET
    @Path("/operations/{id}")
    public OperationView operation(@PathParam("id") String id) {
        return beans.manager().operations().find(id).map(Operation::view)
                .orElseThrow(() -> ApiError.notFound("no operation " + id + " in this process", "GET /api/v1/operations lists them"));
    }

    @POST
    @AdminOnly
    @Path("/services/{name}/swap")
    public Uni<Response> swap(@PathParam("name") String service, SwapRequest body) {
        SwapService swaps = beans.manager().swaps();
        String key = body == null ? null : body.model();
        try {
            swaps.entry(service, key); // 400 before anything else happens: only catalog keys go further
        } catch (SwapService.NotInCatalog e) {
            return Uni.createFrom().failure(ApiError.badRequest(e.getMessage(), "swap to a key of [models." + service + ".catalog]"));
        }
        return Uni.createFrom().item(() -> {
            try {
                Operation op = swaps.start(service, key, beans.workers(), true);
                return Response.status(202).entity(op.view()).build();
            } catch (SwapService.Busy busy) {
                throw new BusyError(busy);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** 409 with the running operation's id. */
    static final class BusyError extends ApiError {
        BusyError(SwapService.Busy busy) {
            super(409, "conflict", busy.getMessage(), busy.operationId() == null ? "retry when it finished"
                    : "follow it at /api/v1/operations/" + busy.operationId());
        }
    }
}
