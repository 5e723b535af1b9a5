-- Every pull, update, prune and swap the model-manager ran, with the events that explain it.
create table model_manager.operations (
    id          uuid primary key,
    kind        text        not null,
    service     text        not null,
    subject     text        not null,
    state       text        not null,
    started_at  timestamptz not null,
    finished_at timestamptz,
    bytes_done  bigint      not null default 0,
    bytes_total bigint      not null default 0,
    error       text,
    attempts    jsonb
);
create index operations_service_state on model_manager.operations (service, kind, state);

create table model_manager.operation_events (
    id           bigserial primary key,
    operation_id uuid        not null references model_manager.operations (id) on delete cascade,
    at           timestamptz not null,
    message      text        not null
);
create index operation_events_operation on model_manager.operation_events (operation_id, id);

-- The vLLM model chosen through the API; stands while the file's `active` still equals file_active.
create table model_manager.vllm_choices (
    service     text primary key,
    model_key   text        not null,
    file_active text        not null,
    chosen_at   timestamptz not null
);
