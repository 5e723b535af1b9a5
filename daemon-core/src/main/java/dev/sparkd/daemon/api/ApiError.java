package dev.sparkd.daemon.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The one error shape of every sparkd JSON API: {@code {"error":{"type","message","hint","request_id"}}}.
 * Throw it from services; {@link ApiErrorMapper} renders it.
 */
public class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String hint;

    public ApiError(int status, String type, String message, String hint) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.hint = hint == null ? "" : hint;
    }

    public static ApiError notFound(String message, String hint) {
        return new ApiError(404, "not_found", message, hint);
    }

    public static ApiError badRequest(String message, String hint) {
        return new ApiError(400, "invalid_request", message, hint);
    }

    /** The JSON body. */
    public record Body(Detail error) {
    }

    public record Detail(String type, String message, String hint, String request_id) {
    }

    public Response toResponse(String requestId) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new Body(new Detail(type, getMessage(), hint, requestId))).build();
    }
}
