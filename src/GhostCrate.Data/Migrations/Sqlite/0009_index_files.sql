-- Index files stored at write time (issue 24), SQLite. Keep in step with Postgres/0009_index_files.sql.
-- A crate's sparse index file is written, rendered, by the transaction that changes it (publish, yank, unyank), so a
-- read is one primary-key lookup and never a render. seq is the global change counter at that write: readers follow
-- it (`WHERE seq > @last`) to learn what changed on other nodes or processes (Data/Index/IndexChangeCounter.cs).
-- Rows of crates published before this migration are written by the backfill that runs after the scripts
-- (Data/Index/IndexFileBackfill.cs).
CREATE TABLE index_files (
    canonical_name TEXT    NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL,
    content        BLOB    NOT NULL,
    etag           TEXT    NOT NULL,
    last_modified  INTEGER NOT NULL,
    seq            INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_index_files_seq ON index_files (seq);

-- The change counter: one row, bumped inside the write transaction, which on SQLite holds the database's only write
-- lock (BEGIN IMMEDIATE), so counter values are handed out in commit order.
CREATE TABLE change_counter (
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);
