-- Index files stored at write time (issue 24), PostgreSQL. Keep in step with Sqlite/0009_index_files.sql.
-- A crate's sparse index file is written, rendered, by the transaction that changes it (publish, yank, unyank), so a
-- read is one primary-key lookup and never a render. seq is the global change counter at that write: readers follow
-- it (`WHERE seq > @last`) and LISTEN on the channel ghostcrate_changes to learn what other nodes changed
-- (Data/Index/IndexChangeCounter.cs explains why values are handed out in commit order).
-- Rows of crates published before this migration are written by the backfill that runs after the scripts
-- (Data/Index/IndexFileBackfill.cs).
CREATE TABLE index_files (
    canonical_name text   NOT NULL PRIMARY KEY,
    name           text   NOT NULL,
    content        bytea  NOT NULL,
    etag           text   NOT NULL,
    last_modified  bigint NOT NULL,
    seq            bigint NOT NULL
);
CREATE UNIQUE INDEX ix_index_files_seq ON index_files (seq);

CREATE SEQUENCE change_seq AS bigint;
