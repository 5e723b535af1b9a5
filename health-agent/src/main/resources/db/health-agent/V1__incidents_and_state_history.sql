-- health-agent (schema health_agent): incidents and the state history uptime and timelines are computed from.
CREATE TABLE incident (
    id          BIGSERIAL PRIMARY KEY,
    service     TEXT        NOT NULL,
    kind        TEXT        NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    ended_at    TIMESTAMPTZ,
    worst_state TEXT        NOT NULL,
    last_state  TEXT        NOT NULL,
    reasons     TEXT        NOT NULL
);
CREATE INDEX incident_started_at ON incident (started_at);
CREATE INDEX incident_service_started_at ON incident (service, started_at);
-- At most one open incident per service.
CREATE UNIQUE INDEX incident_open_per_service ON incident (service) WHERE ended_at IS NULL;

CREATE TABLE state_change (
    id      BIGSERIAL PRIMARY KEY,
    service TEXT        NOT NULL,
    state   TEXT        NOT NULL,
    reason  TEXT,
    at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX state_change_service_at ON state_change (service, at);
CREATE INDEX state_change_at ON state_change (at);
