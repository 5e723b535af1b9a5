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
    public Long id;

    @Column(nullable = false)
    public String service;

    @Column(nullable = false)
    public String state;

    public String reason;

    @Column(nullable = false)
    public OffsetDateTime at;

    protected StateChange() {
    }

    public StateChange(String service, String state, String reason, OffsetDateTime at) {
        this.service = service;
        this.state = state;
        this.reason = reason == null ? null : Incident.storable(reason.length() > 300 ? reason.substring(0, 300) : reason);
        this.at = at;
    }
}
