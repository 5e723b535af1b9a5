-- The router writes ledger rows in batches through Hibernate, which takes ids from this sequence 500 at a time
-- (LedgerRow.ID_BLOCK): one nextval per batch instead of one insert round trip per row.
alter sequence router.ledger_id_seq increment by 500;
