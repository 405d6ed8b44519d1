-- Index read leases (issue 24 item 3, docs/configuration.md "Index files across nodes"), PostgreSQL. Keep in step with
-- Sqlite/0033_index_readers.sql.

-- One row per running node that answers index files from memory without asking the change counter first. The node
-- renews `lease_until` (milliseconds since the epoch, the database's clock) about four times per lease and reports the
-- highest counter value whose change it has applied (`applied_seq`). A write's answer waits until every other node with
-- a live lease has applied it (Core/Index/IndexWriteConfirmation.cs); a node whose lease lapsed asks the counter on
-- every read again, so it needs nobody to wait for it.
CREATE TABLE index_readers (
    node_id     text   NOT NULL PRIMARY KEY,
    applied_seq bigint NOT NULL,
    lease_until bigint NOT NULL
);
