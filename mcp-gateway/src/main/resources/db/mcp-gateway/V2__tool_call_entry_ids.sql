-- Each audit entry carries an id from the moment the gateway records it, so that writing it again (a replay from the
-- spill file after an insert whose outcome was unknown) inserts nothing: insert ... on conflict (entry_id) do nothing.
alter table mcp_gateway.tool_calls add column entry_id uuid;
create unique index tool_calls_entry_id on mcp_gateway.tool_calls (entry_id);
