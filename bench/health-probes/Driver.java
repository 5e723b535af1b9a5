// Drives blackbox_exporter the way Prometheus would: every INTERVAL seconds, one /probe request per target, spread
// evenly over the interval. Prints the number of completed probes (and failures) when it gets SIGTERM.
// Run: java Driver.java EXPORTER_PORT TARGET_PORT N INTERVAL_SECONDS
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

public class Driver {
    public static void main(String[] args) throws Exception {
        int exporter = Integer.parseInt(args[0]);
        int targets = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        long intervalMs = Long.parseLong(args[3]) * 1000;
        HttpClient client = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        var timer = Executors.newSingleThreadScheduledExecutor();
        for (int i = 0; i < n; i++) {
            String url = "http://127.0.0.1:" + exporter + "/probe?module=http_2xx&target=http://127.0.0.1:" + targets + "/e/" + i;
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(9)).build();
            timer.scheduleAtFixedRate(() -> client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                if (e == null && r.statusCode() == 200 && r.body().contains("probe_success 1")) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            }), intervalMs * i / n, intervalMs, TimeUnit.MILLISECONDS);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("probes " + ok.get() + " failed " + failed.get())));
        System.out.println("driver ready");
        Thread.currentThread().join();
    }
}
