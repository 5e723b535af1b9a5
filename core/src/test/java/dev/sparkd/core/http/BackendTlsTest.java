package dev.sparkd.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sparkd.core.config.TlsTrust;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpServer;

/**
 * An https backend with a self-signed certificate (the test's own, for localhost and 127.0.0.1, made with openssl):
 * refused by the JVM's CAs, trusted through {@code ca_file} or {@code pinned_sha256}, and a wrong pin refused.
 */
class BackendTlsTest {
    static final Path CERT = Path.of("src/test/resources/tls/localhost-cert.pem");
    static final Path KEY = Path.of("src/test/resources/tls/localhost-key.pem");
    /** {@code openssl x509 -noout -fingerprint -sha256 -in localhost-cert.pem}, as an operator copies it. */
    static final String PIN = "C3:3F:AF:54:D7:D9:AF:C4:19:5C:95:F1:37:4B:C6:48:2F:1B:7C:38:FF:BA:41:1F:34:E3:FD:BC:3D:0C:2D:B3";
    static final Duration WAIT = Duration.ofSeconds(5);

    static Vertx vertx;
    static HttpServer server;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(CERT.toString()).setKeyPath(KEY.toString())))
                .requestHandler(req -> req.response().endAndForget("{\"data\":[]}"))
                .listenAndAwait(0, "127.0.0.1");
    }

    @AfterAll
    static void stop() {
        vertx.closeAndAwait();
    }

    static BackendResponse get(String host, TlsTrust trust) {
        try (BackendHttp http = new BackendHttp(vertx, URI.create("https://" + host + ":" + server.actualPort()), WAIT, trust)) {
            return http.call(BackendRequest.get("/v1/models"), WAIT).await().atMost(WAIT);
        }
    }

    @Test
    void aSelfSignedServerIsRefusedByDefault() {
        assertThatThrownBy(() -> get("localhost", TlsTrust.DEFAULT)).isInstanceOf(UpstreamException.class);
    }

    @Test
    void aCaFileIsTrustedAndTheNameStillVerified() {
        TlsTrust ca = new TlsTrust(Optional.of(CERT.toAbsolutePath()), Optional.empty());
        BackendResponse r = get("localhost", ca);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.certificateExpiry()).isNotNull();
    }

    @Test
    void aPinnedCertificateIsTrustedAndAnyOtherRefused() {
        TlsTrust pinned = new TlsTrust(Optional.empty(), Optional.of(TlsTrust.normalizePin(PIN)));
        assertThat(get("127.0.0.1", pinned).status()).isEqualTo(200);
        TlsTrust wrong = new TlsTrust(Optional.empty(), Optional.of("ab".repeat(32)));
        assertThatThrownBy(() -> get("127.0.0.1", wrong)).isInstanceOf(UpstreamException.class);
    }
}
