package dev.sparkd.core.http;

import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.function.Function;

import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import javax.net.ssl.X509TrustManager;

import dev.sparkd.core.config.TlsTrust;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;

/**
 * Applies a service's {@link TlsTrust} to a Vert.x client: the JVM's CAs (unchanged), the CAs of a PEM file (the host
 * name is still verified), or one pinned certificate (exactly that certificate, whatever its issuer or name — the way
 * a self-signed server on the LAN is trusted without trusting anything else). The one place both the router's
 * upstream pools and {@link BackendHttp} (health probes, live state) take TLS trust from.
 */
public final class BackendTls {
    private BackendTls() {
    }

    public static HttpClientOptions apply(HttpClientOptions options, TlsTrust trust) {
        if (trust == null || trust.isDefault()) {
            return options;
        }
        trust.caFile().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        trust.pinnedSha256().ifPresent(pin -> options.setTrustOptions(new PinnedTrustOptions(pin)).setVerifyHost(false));
        return options;
    }

    /** SHA-256 over the certificate's DER encoding, lower-case hex, as {@code openssl x509 -fingerprint -sha256} prints it. */
    public static String fingerprint(X509Certificate cert) throws CertificateEncodingException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The pin as Vert.x trust options (its own wrapper would need SLF4J, which the daemons' core does not carry). */
    record PinnedTrustOptions(String pin) implements TrustOptions {
        @Override
        public TrustOptions copy() {
            return this;
        }

        @Override
        public TrustManagerFactory getTrustManagerFactory(Vertx vertx) {
            TrustManager[] managers = {new PinnedTrust(pin)};
            return new TrustManagerFactory(new TrustManagerFactorySpi() {
                @Override
                protected void engineInit(KeyStore ks) {
                }

                @Override
                protected void engineInit(ManagerFactoryParameters spec) {
                }

                @Override
                protected TrustManager[] engineGetTrustManagers() {
                    return managers.clone();
                }
            }, null, "sparkd-pinned") {
            };
        }

        @Override
        public Function<String, TrustManager[]> trustManagerMapper(Vertx vertx) {
            TrustManager[] managers = {new PinnedTrust(pin)};
            return serverName -> managers.clone();
        }
    }

    /** Accepts a server whose leaf certificate has the pinned fingerprint; refuses everything else, naming what it saw. */
    static final class PinnedTrust implements X509TrustManager {
        private final String pin;

        PinnedTrust(String pin) {
            this.pin = pin;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            String seen = fingerprint(chain[0]);
            if (!MessageDigest.isEqual(seen.getBytes(), pin.getBytes())) {
                throw new CertificateException("certificate SHA-256 " + seen + " is not the pinned one (pinned_sha256)");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a backend client trusts no clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
