-- One row per request the router answered (or failed to): where it went, who asked, what it cost.
create table router.ledger (
    id                bigserial primary key,
    at                timestamptz      not null,
    request_id        text             not null,
    endpoint          text             not null,
    route             text,
    target            text,
    provider          text,
    key_id            text             not null,
    status            integer          not null,
    outcome           text             not null,
    error             text,
    prompt_tokens     bigint           not null,
    completion_tokens bigint           not null,
    cost_usd          double precision not null,
    latency_ms        double precision not null,
    ttft_ms           double precision,
    stream            boolean          not null,
    attempts          integer          not null,
    fallbacks         text
);
create index ledger_at on router.ledger (at);
create index ledger_key_at on router.ledger (key_id, at);

-- API keys: only a SHA-256 of the key is stored; the key itself is shown once, at creation.
create table router.api_keys (
    id          text primary key,
    name        text             not null,
    sha256      char(64)         not null,
    routes      text[]           not null,
    rpm         integer          not null,
    daily_usd   double precision not null,
    monthly_usd double precision not null,
    local_only  boolean          not null,
    created_at  timestamptz      not null,
    revoked_at  timestamptz
);
