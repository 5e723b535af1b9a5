package dev.sparkd.health.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.state.State;
import dev.sparkd.health.state.StateMachine;
import dev.sparkd.health.telemetry.HostStatus;

/**
 * The alert policy: an alert opens once when a service enters one of the {@code on} states (DOWN by default) or a
 * models disk crosses the warning level; while open, further changes (DOWN → LOADING → DOWN) say nothing, a reminder
 * goes out every {@code repeat} if set, and exactly one "resolved" goes out when the service serves again (UP or
 * DEGRADED) or the disk is below the level. Plain Java: the notifier feeds it and sends what it answers.
 */
public final class Alerts {
    private final Set<State> on;
    private final Optional<Duration> repeat;
    private final double diskWarning;
    private final Map<String, Open> open = new LinkedHashMap<>();

    private record Open(Notice opened, Instant lastSent) {
    }

    public Alerts(Set<State> on, Optional<Duration> repeat, double diskWarning) {
        this.on = Set.copyOf(on);
        this.repeat = repeat;
        this.diskWarning = diskWarning;
    }

    public synchronized Optional<Notice> serviceChanged(ServiceStatus s, StateMachine.Change change) {
        if (!change.stateChanged()) {
            return Optional.empty();
        }
        String key = "service\u0000" + s.name();
        Open o = open.get(key);
        if (o == null && on.contains(change.to())) {
            Notice n = new Notice(Notice.Event.ALERT, s.name(), s.name(), s.host(), s.kind(), change.to().name(),
                    change.from().map(Enum::name).orElse(null), change.reason(), change.at(), change.at());
            open.put(key, new Open(n, change.at()));
            return Optional.of(n);
        }
        if (o != null && change.to().available()) {
            open.remove(key);
            return Optional.of(resolved(o.opened(), change.to().name(), change.at()));
        }
        return Optional.empty();
    }

    /** A telemetry round: an alert per models directory at or above the warning level. A failed round says nothing. */
    public synchronized List<Notice> hostChecked(HostStatus h) {
        if (!h.ok() || h.disks() == null) {
            return List.of();
        }
        List<Notice> out = new ArrayList<>();
        Instant at = h.at() == null ? Instant.now() : h.at();
        for (HostStatus.Disk d : h.disks()) {
            String subject = h.name() + ":" + d.path();
            String key = "disk\u0000" + subject;
            Open o = open.get(key);
            if (o == null && d.warning()) {
                Notice n = new Notice(Notice.Event.ALERT, subject, null, h.name(), "disk", "WARNING", null,
                        DiskUse.describe(d, diskWarning), at, at);
                open.put(key, new Open(n, at));
                out.add(n);
            } else if (o != null && !d.warning()) {
                open.remove(key);
                out.add(resolved(o.opened(), "OK", at));
            }
        }
        return out;
    }

    /** Reminders of the alerts open longer than {@code repeat} since their last message. */
    public synchronized List<Notice> due(Instant now) {
        if (repeat.isEmpty()) {
            return List.of();
        }
        List<Notice> out = new ArrayList<>();
        open.replaceAll((key, o) -> {
            if (Duration.between(o.lastSent(), now).compareTo(repeat.get()) < 0) {
                return o;
            }
            Notice first = o.opened();
            out.add(new Notice(Notice.Event.REMINDER, first.subject(), first.service(), first.host(), first.kind(), first.state(),
                    first.from(), first.reason(), first.since(), now));
            return new Open(first, now);
        });
        return out;
    }

    private static Notice resolved(Notice opened, String state, Instant at) {
        return new Notice(Notice.Event.RESOLVED, opened.subject(), opened.service(), opened.host(), opened.kind(), state,
                opened.state(), opened.reason(), opened.since(), at);
    }
}
