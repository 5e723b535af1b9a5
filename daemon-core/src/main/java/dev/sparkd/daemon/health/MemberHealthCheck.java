package dev.sparkd.daemon.health;

import java.util.List;
import java.util.function.Supplier;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * A health group over what a daemon watches (the health-agent's services, the gateway's upstreams): each member's
 * state, and its reason when it has one, as data; UP only while every member is up. A subclass names the check and
 * says where its members come from.
 */
public abstract class MemberHealthCheck implements HealthCheck {
    private final String name;
    private final Supplier<List<Member>> members;

    /** One member: its name, its state as the daemon's API shows it, why (or null), and whether that counts as up. */
    public record Member(String name, String state, String reason, boolean up) {
    }

    protected MemberHealthCheck(String name, Supplier<List<Member>> members) {
        this.name = name;
        this.members = members;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(name);
        boolean all = true;
        for (Member m : members.get()) {
            b.withData(m.name(), m.state() + (m.reason() == null ? "" : ": " + m.reason()));
            all &= m.up();
        }
        return b.status(all).build();
    }
}
