-- Every tools/call the gateway handled: who (key id, never the key), what, how big, how it ended.
-- Argument values are kept only for servers configured with log_arguments = true.
create table mcp_gateway.tool_calls (
    id              bigserial primary key,
    called_at       timestamptz      not null,
    key_id          text             not null,
    server          text             not null,
    tool            text             not null,
    exposed_name    text             not null,
    argument_bytes  integer          not null,
    argument_sha256 char(64)         not null,
    arguments       jsonb,
    outcome         text             not null,
    detail          text,
    duration_ms     double precision not null
);
create index tool_calls_called_at on mcp_gateway.tool_calls (called_at);
create index tool_calls_key_server on mcp_gateway.tool_calls (key_id, server, called_at);
