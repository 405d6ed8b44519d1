-- Keywords and categories of each crate (Sqlite), for search filters and the /keywords and /categories pages (issue
-- 23). Like description and search text they follow the latest publish (CratePublisher replaces them). Categories
-- are crates.io's slugs (Core/Search/CrateCategories); a publish drops unknown ones with a warning, as crates.io does.
-- Keep in step with Postgres/0016_crate_keywords_categories.sql.
CREATE TABLE crate_keywords (
    keyword  TEXT    NOT NULL,
    crate_id INTEGER NOT NULL REFERENCES crates (id) ON DELETE CASCADE,
    PRIMARY KEY (keyword, crate_id)
) WITHOUT ROWID;
CREATE INDEX ix_crate_keywords_crate_id ON crate_keywords (crate_id);

CREATE TABLE crate_categories (
    category TEXT    NOT NULL,
    crate_id INTEGER NOT NULL REFERENCES crates (id) ON DELETE CASCADE,
    PRIMARY KEY (category, crate_id)
) WITHOUT ROWID;
CREATE INDEX ix_crate_categories_crate_id ON crate_categories (crate_id);

-- Crates published before this migration: the keywords and categories cargo sent with the latest publish (the
-- highest version id), lowercased like a publish stores them.
INSERT OR IGNORE INTO crate_keywords (keyword, crate_id)
SELECT DISTINCT lower(k.value), v.crate_id
FROM versions v, json_each(CASE WHEN json_type(v.metadata_json, '$.keywords') = 'array' THEN json_extract(v.metadata_json, '$.keywords') ELSE '[]' END) k
WHERE v.id = (SELECT max(id) FROM versions WHERE crate_id = v.crate_id) AND k.type = 'text';

INSERT OR IGNORE INTO crate_categories (category, crate_id)
SELECT DISTINCT lower(k.value), v.crate_id
FROM versions v, json_each(CASE WHEN json_type(v.metadata_json, '$.categories') = 'array' THEN json_extract(v.metadata_json, '$.categories') ELSE '[]' END) k
WHERE v.id = (SELECT max(id) FROM versions WHERE crate_id = v.crate_id) AND k.type = 'text';

-- Categories are searchable words from now on: append them to the search text (the FTS5 trigger follows) and add the
-- new text's two-character pairs (migration 0006), split the same way as there.
UPDATE crates
SET search_text = search_text || ' ' || (SELECT group_concat(category, ' ') FROM crate_categories WHERE crate_id = crates.id)
WHERE id IN (SELECT crate_id FROM crate_categories);

WITH RECURSIVE at (crate_id, text, i) AS (
    SELECT id, search_text, 1 FROM crates WHERE length(search_text) >= 2 AND id IN (SELECT crate_id FROM crate_categories)
    UNION ALL
    SELECT crate_id, text, i + 1 FROM at WHERE i + 2 <= length(text)
)
INSERT OR IGNORE INTO crate_search_pairs (pair, crate_id)
SELECT DISTINCT substr(text, i, 2), crate_id FROM at ORDER BY 1, 2;
