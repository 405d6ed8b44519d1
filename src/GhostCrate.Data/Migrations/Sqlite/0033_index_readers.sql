-- Index read leases (issue 24 item 3, docs/configuration.md "Index files across nodes"), Sqlite. Keep in step with
-- Postgres/0033_index_readers.sql. One SQLite file has one server process, which never takes a lease; the table
-- exists so that both databases have the same schema (a backup moves between them).

CREATE TABLE index_readers (
    node_id     TEXT    NOT NULL PRIMARY KEY,
    applied_seq INTEGER NOT NULL,
    lease_until INTEGER NOT NULL
);
