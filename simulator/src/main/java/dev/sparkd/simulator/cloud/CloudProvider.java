package dev.sparkd.simulator.cloud;

import io.vertx.core.Future;
import java.util.List;

/** What the simulator and its control API do with either simulated provider. */
public interface CloudProvider {
    /** {@code openai} or {@code anthropic}. */
    String provider();

    /** Listens on 127.0.0.1:{@code port} (0 = ephemeral); completes with the bound port. */
    Future<Integer> start(int port);

    Future<Void> stop();

    int port();

    /** What the provider's SDK takes as its base URL. */
    String baseUrl();

    /** Requests per minute before 429s; 0 means unlimited. */
    void setRateLimit(int requestsPerMinute);

    void setFault(CloudFault fault);

    CloudFault fault();

    List<CloudRequest> requests();

    void clearRequests();
}
