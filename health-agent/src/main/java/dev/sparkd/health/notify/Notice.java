package dev.sparkd.health.notify;

import java.time.Duration;
import java.time.Instant;

/**
 * One message to send: an alert opened, a reminder that it is still open, its resolution, or a test.
 *
 * @param subject what the alert is about: a service's name, or {@code host:path} for a disk
 * @param service the service, or null for a host's own alert
 * @param host    the host, or null for a service without one
 * @param state   the state now ({@code DOWN}, {@code UP}, {@code WARNING}, {@code OK} …)
 * @param from    the state before, or null
 * @param since   when the alert opened (a resolution: how long it lasted)
 */
public record Notice(Event event, String subject, String service, String host, String kind, String state, String from,
        String reason, Instant since, Instant at) {

    public enum Event {
        ALERT, REMINDER, RESOLVED, TEST;

        public String word() {
            return name().toLowerCase();
        }
    }

    public String title() {
        String what = disk() ? "disk " + subject : subject;
        String state = disk() ? "nearly full" : this.state;
        return switch (event) {
            case ALERT -> "sparkd: " + what + " " + state;
            case REMINDER -> "sparkd: " + what + " still " + state;
            case RESOLVED -> "sparkd: " + what + " resolved";
            case TEST -> "sparkd: test notification";
        };
    }

    public String message() {
        String why = reason == null || reason.isBlank() ? "" : ": " + reason;
        if (disk()) {
            return switch (event) {
                case ALERT -> "disk " + subject + " is nearly full" + why;
                case REMINDER -> "disk " + subject + " is still nearly full after " + human(Duration.between(since, at)) + why;
                default -> "disk " + subject + " is below the warning level again, resolved after " + human(Duration.between(since, at))
                        + " (was" + why + ")";
            };
        }
        return switch (event) {
            case ALERT -> subject + " is " + state + why + (from == null ? "" : " (was " + from + ")");
            case REMINDER -> subject + " is still " + state + " after " + human(Duration.between(since, at)) + why;
            case RESOLVED -> subject + " is " + state + " again, resolved after " + human(Duration.between(since, at))
                    + (from == null ? "" : " (was " + from + why + ")");
            case TEST -> "Test notification from sparkd" + why + ". If you read this, the channel works.";
        };
    }

    /** An alert about a models directory's file system rather than a service. */
    public boolean disk() {
        return "disk".equals(kind);
    }

    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
}
