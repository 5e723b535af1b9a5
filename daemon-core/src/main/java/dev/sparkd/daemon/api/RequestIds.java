package dev.sparkd.daemon.api;

import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import dev.sparkd.core.net.Peers;

/**
 * Every request carries an {@code X-Request-Id}: the caller's when it is sane, else a new one. It is echoed in the
 * response and put in the log context ({@code %X{request_id}}) so a request's log lines can be found.
 */
public class RequestIds {
    public static final String HEADER = "X-Request-Id";
    public static final String PROPERTY = "sparkd.request-id";

    @ServerRequestFilter(preMatching = true)
    public void assign(ContainerRequestContext request) {
        String id = Peers.requestId(request.getHeaderString(HEADER));
        request.setProperty(PROPERTY, id);
        MDC.put("request_id", id);
    }

    @ServerResponseFilter
    public void echo(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(PROPERTY);
        if (id != null) {
            response.getHeaders().putSingle(HEADER, id);
        }
        MDC.remove("request_id");
    }

    /** The current request's id, for error bodies. */
    public static String of(ContainerRequestContext request) {
        Object id = request.getProperty(PROPERTY);
        return id == null ? "" : id.toString();
    }
}
