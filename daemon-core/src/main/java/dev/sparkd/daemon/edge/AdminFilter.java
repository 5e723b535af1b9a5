package dev.sparkd.daemon.edge;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.sparkd.daemon.api.ApiError;
import dev.sparkd.daemon.api.RequestIds;
import dev.sparkd.daemon.edge.RejectedRequests.Reason;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * Answers 401 to a request for an {@link AdminOnly} resource that does not carry the admin token. Who is asking
 * (loopback or not) does not matter: every local process, container and rebinding web page reaches 127.0.0.1.
 */
public class AdminFilter {
    private final AdminToken admin;
    private final RejectedRequests rejected;

    public AdminFilter(AdminToken admin, RejectedRequests rejected) {
        this.admin = admin;
        this.rejected = rejected;
    }

    @ServerRequestFilter
    public Response requireAdmin(ContainerRequestContext request, ResourceInfo resource) {
        if (!isAdminOnly(resource) || admin.accepts(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            return null;
        }
        rejected.count(Reason.ADMIN_TOKEN);
        Response response = new ApiError(401, "unauthorized", "this route needs the admin token",
                "send Authorization: Bearer <the token in " + admin.where() + ">; the sparkd CLIs read it themselves")
                .toResponse(RequestIds.of(request));
        response.getHeaders().putSingle(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"sparkd-admin\"");
        return response;
    }

    private static boolean isAdminOnly(ResourceInfo resource) {
        return resource.getResourceMethod() != null && (resource.getResourceMethod().isAnnotationPresent(AdminOnly.class)
                || resource.getResourceClass().isAnnotationPresent(AdminOnly.class));
    }
}
