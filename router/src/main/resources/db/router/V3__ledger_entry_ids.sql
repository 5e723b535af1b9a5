-- Each ledger entry carries an id from the moment the router records it, so that writing it again (a replay from the
-- spill file after an insert whose outcome was unknown) inserts nothing: insert ... on conflict (entry_id) do nothing.
-- Rows written before this version have none. The router now inserts with plain SQL, so the sequence behind id goes
-- back to steps of one.
alter table router.ledger add column entry_id uuid;
create unique index ledger_entry_id on router.ledger (entry_id);
alter sequence router.ledger_id_seq increment by 1;
