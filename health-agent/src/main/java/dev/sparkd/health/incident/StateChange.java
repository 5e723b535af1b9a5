package dev.sparkd.health.incident;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A service entered a state at a time: the history uptime and the 24-hour timeline are computed from. */
@Entity
@Table(name = "state_change")
public class StateChange {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String service;

    @Column(nullable = false)
    private String state;

    private String reason;

    @Column(nullable = false)
    private OffsetDateTime at;

    protected StateChange() {
    }

    public StateChange(String service, String state, String reason, OffsetDateTime at) {
        this.service = service;
        this.state = state;
        this.reason = reason == null ? null : Incident.storable(reason.length() > 300 ? reason.substring(0, 300) : reason);
        this.at = at;
    }

    public Long getId() {
        return id;
    }

    public String getService() {
        return service;
    }

    public String getState() {
        return state;
    }

    public String getReason() {
        return reason;
    }

    public OffsetDateTime getAt() {
        return at;
    }
}
