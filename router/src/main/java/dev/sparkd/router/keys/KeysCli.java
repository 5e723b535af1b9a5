package dev.sparkd.router.keys;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.sparkd.router.config.RouterSettings;
import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.ConfigLocation;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.edge.AdminToken;

/**
 * {@code router keys create NAME [--routes a,b] [--rpm N] [--daily USD] [--monthly USD] [--local-only]},
 * {@code router keys list}, {@code router keys revoke ID}: talks to the running router's admin API with the admin
 * token it reads from the state directory (or {@code [suite] admin_token_file}/{@code _env}).
 */
public final class KeysCli {
    private KeysCli() {
    }

    public static int run(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        List<String> configArgs = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            if (rest.get(i).equals("--config") && i + 1 < rest.size()) {
                configArgs.add(rest.remove(i));
                configArgs.add(rest.remove(i));
                i--;
            }
        }
        SuiteConfig config = ConfigLoader.load(ConfigLocation.resolve(configArgs.toArray(String[]::new), System.getenv()));
        int port = config.section(RouterSettings.class).listen().port();
        String base = "http://127.0.0.1:" + port + "/api/v1/keys";
        String token;
        try {
            token = AdminToken.read(config);
        } catch (IllegalStateException e) {
            System.err.println("router keys: " + e.getMessage());
            return 1;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        if (rest.isEmpty()) {
            return usage();
        }
        HttpRequest request;
        switch (rest.get(0)) {
            case "list" -> request = HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + token).GET().build();
            case "revoke" -> {
                if (rest.size() != 2) {
                    return usage();
                }
                request = HttpRequest.newBuilder(URI.create(base + "/" + rest.get(1))).header("Authorization", "Bearer " + token).DELETE().build();
            }
            case "create" -> {
                if (rest.size() < 2) {
                    return usage();
                }
                StringBuilder json = new StringBuilder("{\"name\":\"").append(rest.get(1).replace("\"", "")).append('"');
                for (int i = 2; i < rest.size(); i++) {
                    String opt = rest.get(i);
                    switch (opt) {
                        case "--local-only" -> json.append(",\"local_only\":true");
                        case "--routes" -> {
                            json.append(",\"routes\":[");
                            String[] rs = rest.get(++i).split(",");
                            for (int j = 0; j < rs.length; j++) {
                                json.append(j > 0 ? "," : "").append('"').append(rs[j].trim().replace("\"", "")).append('"');
                            }
                            json.append(']');
                        }
                        case "--rpm" -> json.append(",\"rpm\":").append(Integer.parseInt(rest.get(++i)));
                        case "--daily" -> json.append(",\"daily_usd\":").append(Double.parseDouble(rest.get(++i)));
                        case "--monthly" -> json.append(",\"monthly_usd\":").append(Double.parseDouble(rest.get(++i)));
                        default -> {
                            return usage();
                        }
                    }
                }
                request = HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(json.append('}').toString())).build();
            }
            default -> {
                return usage();
            }
        }
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            System.err.println("router keys: the router is not running on 127.0.0.1:" + port + " — start it first (systemctl start sparkd-router)");
            return 1;
        }
        System.out.println(response.body());
        if ("create".equals(rest.get(0)) && response.statusCode() == 200) {
            System.err.println("the key is shown once; store it now");
        }
        return response.statusCode() < 300 ? 0 : 1;
    }

    private static int usage() {
        System.err.println("usage: router keys create NAME [--routes a,b] [--rpm N] [--daily USD] [--monthly USD] [--local-only]\n"
                + "       router keys list\n       router keys revoke ID\n       (each takes --config FILE)");
        return 2;
    }
}
