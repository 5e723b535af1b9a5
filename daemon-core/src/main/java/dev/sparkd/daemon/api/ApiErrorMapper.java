package dev.sparkd.daemon.api;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

/** Renders {@link ApiError}, JAX-RS errors and unexpected failures in the shared JSON error shape. */
public class ApiErrorMapper {
    private static final Logger LOG = Logger.getLogger(ApiErrorMapper.class);

    @ServerExceptionMapper
    public Response apiError(ContainerRequestContext request, ApiError error) {
        return error.toResponse(RequestIds.of(request));
    }

    @ServerExceptionMapper
    public Response webError(ContainerRequestContext request, WebApplicationException error) {
        int status = error.getResponse().getStatus();
        String type = status == 404 ? "not_found" : status == 405 ? "method_not_allowed" : status < 500 ? "invalid_request" : "server_error";
        return new ApiError(status, type, error.getMessage(), "").toResponse(RequestIds.of(request));
    }

    @ServerExceptionMapper
    public Response unexpected(ContainerRequestContext request, RuntimeException error) {
        LOG.errorf(error, "unexpected error while serving %s", request.getUriInfo().getPath());
        return new ApiError(500, "server_error", "internal error", "see the daemon's log for request " + RequestIds.of(request))
                .toResponse(RequestIds.of(request));
    }
}
