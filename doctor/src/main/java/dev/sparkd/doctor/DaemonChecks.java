package dev.sparkd.doctor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.DaemonSettings;
import dev.sparkd.core.config.Listen;
import dev.sparkd.core.config.SuiteConfig;

/** The daemons themselves: each answers {@code /q/health/ready} on its {@code listen} address with 200. */
final class DaemonChecks {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private DaemonChecks() {
    }

    static List<Check> run(SuiteConfig config, Path file) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
        Map<String, String> daemons = new TreeMap<>();
        ConfigLoader.DAEMON_SECTIONS.forEach((section, daemon) -> daemons.put(daemon, section));
        List<Check> checks = new ArrayList<>();
        daemons.forEach((daemon, section) -> config.section(section).map(DaemonSettings::listen).ifPresent(listen ->
                checks.add(ready(http, daemon, listen, file))));
        return checks;
    }

    private static Check ready(HttpClient http, String daemon, Listen listen, Path file) {
        // a daemon listening on every address answers on loopback too
        String host = listen.host().equals("0.0.0.0") || listen.host().equals("::") ? "127.0.0.1" : listen.host();
        URI uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + listen.port() + "/q/health/ready");
        String start = "start it: systemctl start sparkd-" + daemon + " (or ./sparkd run --config " + file + " " + daemon + ")";
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return Check.ok("daemon " + daemon, "ready at " + uri.resolve("/"));
            }
            return Check.problem("daemon " + daemon, "not ready: " + uri + " answered " + r.statusCode() + " " + snippet(r.body()),
                    "read its log (journalctl -u sparkd-" + daemon + "); the failing check is named above");
        } catch (IOException e) {
            return Check.problem("daemon " + daemon, "not running: nothing answers at " + uri.resolve("/") + " (" + e.getClass().getSimpleName() + ")", start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.problem("daemon " + daemon, "interrupted", start);
        }
    }

    private static String snippet(String body) {
        String b = body.replaceAll("\\s+", " ").strip();
        return b.length() > 200 ? b.substring(0, 200) + "…" : b;
    }
}
