-- Nothing to do on PostgreSQL: SQLite's 0006 adds crate_search_pairs for two-character searches, which pg_trgm's GIN
-- index (0005) already serves here. Kept so both providers number their migrations alike.
SELECT 1;
