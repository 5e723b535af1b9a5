package dev.sparkd.health.probe;

import java.time.Duration;

import dev.sparkd.health.config.HealthSettings;

import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.http.BackendHttp;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/** A TCP port: UP when a connection opens within the timeout. */
public final class TcpProbe extends Probe {
    private final NetClient client;

    public TcpProbe(ServiceDef service, BackendHttp http, HealthSettings settings, Vertx vertx) {
        super(service, http, settings);
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeout.toMillis()));
    }

    @Override
    protected Uni<ProbeResult> probe() {
        int port = service.baseUri().getPort();
        String host = service.baseUri().getHost();
        return Uni.createFrom().emitter(e -> {
            long start = System.nanoTime();
            client.connect(port, host).onComplete(ar -> {
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                if (ar.succeeded()) {
                    ar.result().close();
                    e.complete(speed(ProbeResult.up(took, 0, Load.NONE)));
                } else {
                    ProbeFailure f = ProbeFailure.of("connect " + host + ":" + port, ar.cause(), timeout);
                    e.complete(ProbeResult.failed(f));
                }
            });
        });
    }

}
