package dev.sparkd.health.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.state.StateMachine;
import dev.sparkd.health.telemetry.HostStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;

/**
 * The alert policy and the channels together: what {@link Alerts} answers for a state change, a telemetry round or a
 * reminder tick goes to every channel that covers the service or host. Plain Java, so that {@code notify test} and
 * tests build it without CDI.
 */
public final class Notifications implements AutoCloseable {
    private final Alerts alerts;
    private final HttpClient client;
    private final List<ChannelSender> senders;

    public Notifications(Vertx vertx, HealthSettings settings, String suite, ChannelSender.Outcomes outcomes, Duration firstBackoff) {
        HealthSettings.Notify notify = settings.notifications();
        this.alerts = new Alerts(notify.on(), notify.repeat(), settings.diskWarning());
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
        this.senders = notify.channels().stream().map(c -> new ChannelSender(vertx, client, c, suite, outcomes, firstBackoff)).toList();
    }

    public List<ChannelSender> senders() {
        return senders;
    }

    public void serviceChanged(ServiceStatus status, StateMachine.Change change) {
        if (!senders.isEmpty()) {
            alerts.serviceChanged(status, change).ifPresent(this::dispatch);
        }
    }

    public void hostChecked(HostStatus host) {
        if (!senders.isEmpty()) {
            alerts.hostChecked(host).forEach(this::dispatch);
        }
    }

    public void remind(Instant now) {
        alerts.due(now).forEach(this::dispatch);
    }

    /** To every channel that covers the notice's service or host; failures are counted and logged by the sender. */
    void dispatch(Notice n) {
        for (ChannelSender s : senders) {
            if (s.channel().covers(n.service(), n.host())) {
                s.send(n).onFailure(e -> { });
            }
        }
    }

    /** A test notice on the named channels (all when none are named). */
    public List<Future<Void>> test(List<ChannelSender> on, String note) {
        Instant now = Instant.now();
        Notice n = new Notice(Notice.Event.TEST, "test", null, null, "test", "TEST", null, note, now, now);
        return on.stream().map(s -> s.send(n)).toList();
    }

    @Override
    public void close() {
        client.close();
    }
}
