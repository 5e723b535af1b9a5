package dev.sparkd.health.incident;

import java.time.OffsetDateTime;
import java.util.List;

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
    public Long id;

    @Column(nullable = false)
    public String service;

    @Column(nullable = false)
    public String kind;

    @Column(name = "started_at", nullable = false)
    public OffsetDateTime startedAt;

    @Column(name = "ended_at")
    public OffsetDateTime endedAt;

    @Column(name = "worst_state", nullable = false)
    public String worstState;

    @Column(name = "last_state", nullable = false)
    public String lastState;

    /** Distinct reasons in the order they appeared, one per line (at most {@value #MAX_REASONS}). */
    @Column(nullable = false)
    public String reasons;

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
        List<String> known = reasonList();
        if (!known.contains(line) && known.size() < MAX_REASONS) {
            reasons = reasons.isEmpty() ? line : reasons + "\n" + line;
        }
    }

    public List<String> reasonList() {
        return reasons.isEmpty() ? List.of() : List.of(reasons.split("\n"));
    }

    private static String oneLine(String s) {
        String l = storable(s).replace('\n', ' ');
        return l.length() > 300 ? l.substring(0, 300) : l;
    }

    /** PostgreSQL text cannot hold NUL, which a broken backend can put into a reason; it would fail the whole write. */
    static String storable(String s) {
        return s.indexOf('\0') < 0 ? s : s.replace("\0", "");
    }
}
