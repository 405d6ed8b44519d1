-- Crate search (`cargo search`, the web UI) matches a substring of crates.search_text with LIKE '%q%', which no B-tree
-- can serve: a scan per search at 100k crates. pg_trgm's GIN index serves that LIKE directly (no query change).
-- The extension is database-wide; its operator class is looked up wherever it was installed (schemas may differ
-- between databases and test lanes). Keep in step with Sqlite/0005_search_index.sql.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
DO $$
DECLARE
    opclass_schema text;
BEGIN
    SELECT n.nspname INTO opclass_schema
    FROM pg_opclass o JOIN pg_namespace n ON n.oid = o.opcnamespace
    WHERE o.opcname = 'gin_trgm_ops'
    LIMIT 1;
    EXECUTE format('CREATE INDEX ix_crates_search_text_trgm ON crates USING gin (search_text %I.gin_trgm_ops)', opclass_schema);
END
$$;
