-- Shared by every daemon (each in its own schema): one row per start, so operators can see restarts.
CREATE TABLE daemon_start (
    id         BIGSERIAL PRIMARY KEY,
    daemon     TEXT        NOT NULL,
    version    TEXT        NOT NULL,
    host_name  TEXT        NOT NULL,
    pid        BIGINT      NOT NULL,
    started_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX daemon_start_started_at ON daemon_start (started_at);
