package dev.sparkd.health.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sparkd.core.config.ConfigTable;
import dev.sparkd.core.config.SecretRef;
import dev.sparkd.core.config.Suggestions;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.health.config.HealthSettings.Channel;
import dev.sparkd.health.config.HealthSettings.ChannelKind;
import dev.sparkd.health.state.State;

/**
 * Reads {@code [health.notify]} and its channels, and the older single {@code [health.webhook]} (read as a channel
 * named {@code webhook}).
 */
final class NotifySchema {
    private static final Pattern NTFY_TOPIC = Pattern.compile("[-_A-Za-z0-9]{1,64}");
    private static final Pattern MATRIX_ROOM = Pattern.compile("![^:\\s]+:[^\\s]+");
    private static final List<String> PRIORITIES = List.of("min", "low", "default", "high", "max", "urgent");

    private NotifySchema() {
    }

    static HealthSettings.Notify read(ConfigTable health, SuiteConfig core) {
        List<Channel> channels = new ArrayList<>();
        Set<State> on = EnumSet.of(State.DOWN);
        Optional<Duration> repeat = Optional.empty();
        Optional<ConfigTable> notify = health.table("notify");
        if (notify.isPresent()) {
            ConfigTable n = notify.get();
            List<String> states = n.strings("on");
            if (n.has("on")) {
                on = EnumSet.noneOf(State.class);
                for (String s : states) {
                    switch (s.toUpperCase(Locale.ROOT)) {
                        case "DOWN" -> on.add(State.DOWN);
                        case "LOADING" -> on.add(State.LOADING);
                        case "DEGRADED" -> on.add(State.DEGRADED);
                        default -> n.error("on", "\"" + s + "\" is not a state an alert can open on", "use DOWN, LOADING or DEGRADED");
                    }
                }
                if (on.isEmpty()) {
                    n.error("on", "no state opens an alert", "e.g. on = [\"DOWN\"]");
                    on = EnumSet.of(State.DOWN);
                }
            }
            repeat = n.duration("repeat", Duration.ofMinutes(1), Duration.ofDays(7));
            n.namedTables("channels").forEach((name, c) -> channel(name, c, core).ifPresent(channels::add));
            n.finish();
        }
        health.table("webhook").flatMap(NotifySchema::legacyWebhook).ifPresent(channels::add);
        return new HealthSettings.Notify(channels, on, repeat);
    }

    private static Optional<Channel> channel(String name, ConfigTable c, SuiteConfig core) {
        Optional<ChannelKind> kind = c.choice("kind", List.of("webhook", "ntfy", "matrix"))
                .map(k -> ChannelKind.valueOf(k.toUpperCase(Locale.ROOT)));
        if (kind.isEmpty() && !c.has("kind")) {
            c.error(null, "missing `kind` in [" + c.path() + "]", "kind = \"webhook\", \"ntfy\" or \"matrix\"");
        }
        Optional<URI> url = Optional.empty();
        Optional<String> template = Optional.empty();
        String contentType = "application/json";
        String priority = "high";
        Optional<SecretRef> token;
        if (kind.orElse(null) == ChannelKind.WEBHOOK) {
            url = httpUrl(c, "url", true);
            template = c.string("template");
            template.ifPresent(text -> checkTemplate(c, text));
            contentType = c.string("content_type", "application/json");
            token = token(c, false);
        } else if (kind.orElse(null) == ChannelKind.NTFY) {
            Optional<URI> server = c.has("server") ? httpUrl(c, "server", true) : Optional.of(URI.create("https://ntfy.sh"));
            Optional<String> topic = c.requiredString("topic", "e.g. topic = \"my-sparks-7f3a\" (on ntfy.sh the topic is the password)");
            topic.filter(t -> !NTFY_TOPIC.matcher(t).matches()).ifPresent(t -> c.error("topic", "not an ntfy topic name",
                    "letters, digits, - and _ only, at most 64"));
            url = server.flatMap(s -> topic.filter(t -> NTFY_TOPIC.matcher(t).matches()).map(t -> join(s, t)));
            priority = c.choice("priority", PRIORITIES).orElse("high");
            token = token(c, false);
        } else if (kind.orElse(null) == ChannelKind.MATRIX) {
            Optional<URI> homeserver = httpUrl(c, "homeserver", true);
            Optional<String> room = c.requiredString("room", "the room's id, e.g. room = \"!AbCdEf:example.org\" (Room settings → Advanced)");
            room.filter(r -> !MATRIX_ROOM.matcher(r).matches()).ifPresent(r -> c.error("room", "not a Matrix room id",
                    "a room id looks like \"!AbCdEf:example.org\" (an alias such as #ops:example.org is not accepted)"));
            url = homeserver.flatMap(h -> room.filter(r -> MATRIX_ROOM.matcher(r).matches()).map(r -> join(h,
                    "_matrix/client/v3/rooms/" + URLEncoder.encode(r, StandardCharsets.UTF_8).replace("+", "%20") + "/send/m.room.message")));
            token = token(c, true);
        } else {
            token = Optional.empty();
        }
        Set<String> services = new LinkedHashSet<>(c.strings("services"));
        services.stream().filter(s -> !core.services().containsKey(s)).forEach(s -> c.error("services", "no service named \"" + s + "\"",
                Suggestions.hint(s, core.services().keySet())));
        Set<String> hosts = new LinkedHashSet<>(c.strings("hosts"));
        hosts.stream().filter(h -> !core.hosts().containsKey(h)).forEach(h -> c.error("hosts", "no host named \"" + h + "\"",
                Suggestions.hint(h, core.hosts().keySet())));
        int retries = c.integer("retries", 0, 10).orElse(3L).intValue();
        c.finish();
        if (kind.isEmpty() || url.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Channel(name, kind.get(), url.get(), template, contentType, token, priority, services, hosts, retries));
    }

    /** {@code [health.webhook]} from before channels: one channel named {@code webhook}. */
    private static Optional<Channel> legacyWebhook(ConfigTable w) {
        Optional<URI> url = httpUrl(w, "url", true);
        String format = w.choice("format", List.of("json", "ntfy", "matrix")).orElse("json");
        Optional<SecretRef> token = w.secret("token", false); // token_env stays accepted here, as it was
        int retries = w.integer("retries", 0, 10).orElse(3L).intValue();
        w.finish();
        ChannelKind kind = ChannelKind.valueOf(format.equals("json") ? "WEBHOOK" : format.toUpperCase(Locale.ROOT));
        return url.map(u -> new Channel("webhook", kind, u, Optional.empty(), "application/json", token, "high", Set.of(), Set.of(), retries));
    }

    /** A token by file reference only: a notification token is long-lived, and a file can be a systemd credential. */
    private static Optional<SecretRef> token(ConfigTable c, boolean required) {
        Optional<SecretRef> ref = c.secret("token", required);
        if (ref.isPresent() && ref.get().envName().isPresent()) {
            c.error("token_env", "notification tokens are read from a file only", "put the token in a file and set token_file");
            return Optional.empty();
        }
        return ref;
    }

    private static void checkTemplate(ConfigTable c, String text) {
        Matcher m = Channel.PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!Channel.PLACEHOLDERS.contains(m.group(1))) {
                c.error("template", "unknown placeholder {{" + m.group(1) + "}}", Suggestions.hint(m.group(1), Channel.PLACEHOLDERS));
            }
        }
    }

    private static Optional<URI> httpUrl(ConfigTable t, String key, boolean required) {
        Optional<String> text = required ? t.requiredString(key, "an http:// or https:// URL") : t.string(key);
        return text.flatMap(s -> {
            try {
                URI u = new URI(s);
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                    t.error(key, "expected an http:// or https:// URL", "");
                    return Optional.empty();
                }
                if (u.getUserInfo() != null) {
                    t.error(key, "the URL contains credentials", "remove them and set token_file");
                    return Optional.empty();
                }
                return Optional.of(u);
            } catch (URISyntaxException e) {
                t.error(key, "not a valid URL: " + e.getReason(), "");
                return Optional.empty();
            }
        });
    }

    private static URI join(URI base, String path) {
        return URI.create(base.toString().replaceAll("/+$", "") + "/" + path);
    }
}
