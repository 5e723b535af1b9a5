package dev.sparkd.health.incident;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A stretch of time in which a service was not UP: opened when it left UP, closed when it came back. */
@Entity
@Table(name = "incident")
public class Incident {
    static final int MAX_REASONS = 20;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String service;

    @Column(nullable = false)
    private String kind;

    @Column(name = "started_at", nullable = false)
    private OffsetDateTime startedAt;

    @Column(name = "ended_at")
    private OffsetDateTime endedAt;

    @Column(name = "worst_state", nullable = false)
    private String worstState;

    @Column(name = "last_state", nullable = false)
    private String lastState;

    /** Distinct reasons in the order they appeared, one per line (at most {@value #MAX_REASONS}). */
    @Column(nullable = false)
    private String reasons;

    protected Incident() {
    }

    public Incident(String service, String kind, OffsetDateTime startedAt, String state, String reason) {
        this.service = service;
        this.kind = kind;
        this.startedAt = startedAt;
        this.worstState = state;
        this.lastState = state;
        this.reasons = reason == null ? "" : oneLine(reason);
    }

    /** Adds a reason unless it is already listed. */
    void addReason(String reason) {
        if (reason == null || reason.isBlank()) {
            return;
        }
        String line = oneLine(reason);
        java.util.List<String> known = reasonList();
        if (!known.contains(line) && known.size() < MAX_REASONS) {
            reasons = reasons.isEmpty() ? line : reasons + "\n" + line;
        }
    }

    public java.util.List<String> reasonList() {
        return reasons.isEmpty() ? java.util.List.of() : java.util.List.of(reasons.split("\n"));
    }

    private static String oneLine(String s) {
        String l = storable(s).replace('\n', ' ');
        return l.length() > 300 ? l.substring(0, 300) : l;
    }

    /** PostgreSQL text cannot hold NUL, which a broken backend can put into a reason; it would fail the whole write. */
    static String storable(String s) {
        return s.indexOf('\0') < 0 ? s : s.replace("\0", "");
    }

    public Long getId() {
        return id;
    }

    public String getService() {
        return service;
    }

    public String getKind() {
        return kind;
    }

    public OffsetDateTime getStartedAt() {
        return startedAt;
    }

    public OffsetDateTime getEndedAt() {
        return endedAt;
    }

    void setEndedAt(OffsetDateTime endedAt) {
        this.endedAt = endedAt;
    }

    public String getWorstState() {
        return worstState;
    }

    void setWorstState(String worstState) {
        this.worstState = worstState;
    }

    public String getLastState() {
        return lastState;
    }

    void setLastState(String lastState) {
        this.lastState = lastState;
    }
}
