-- Two-character searches (`io`, `fs`, `db`) have no trigram for crates_search (0005) to look up, so they scanned every
-- crate's search text: 30-70 ms at 100k crates, the slowest searches there are (bench/README.md). This table holds
-- every distinct two-character substring of each crate's search text, so such a query is one range of a B-tree:
-- "contains ab" is exactly "has the pair ab". CratePublisher keeps it in step with crates.search_text (SQLite allows
-- no recursive query in a trigger); the statement below fills it for crates published before this migration and
-- must split text the same way (substr and length count characters, as SearchPairs counts runes).
-- PostgreSQL needs no such table: pg_trgm serves these queries there.
CREATE TABLE IF NOT EXISTS crate_search_pairs (
    pair     TEXT    NOT NULL,
    crate_id INTEGER NOT NULL,
    PRIMARY KEY (pair, crate_id)
) WITHOUT ROWID;

WITH RECURSIVE at (crate_id, text, i) AS (
    SELECT id, search_text, 1 FROM crates WHERE length(search_text) >= 2
    UNION ALL
    SELECT crate_id, text, i + 1 FROM at WHERE i + 2 <= length(text)
)
INSERT OR IGNORE INTO crate_search_pairs (pair, crate_id)
SELECT DISTINCT substr(text, i, 2), crate_id FROM at ORDER BY 1, 2;
