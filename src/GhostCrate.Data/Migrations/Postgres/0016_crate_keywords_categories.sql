-- Keywords and categories of each crate (PostgreSQL), for search filters and the /keywords and /categories pages
-- (issue 23). Like description and search text they follow the latest publish (CratePublisher replaces them).
-- Categories are crates.io's slugs (Core/Search/CrateCategories); a publish drops unknown ones with a warning, as
-- crates.io does. Keep in step with Sqlite/0016_crate_keywords_categories.sql.
CREATE TABLE crate_keywords (
    keyword  text   NOT NULL,
    crate_id bigint NOT NULL REFERENCES crates (id) ON DELETE CASCADE,
    PRIMARY KEY (keyword, crate_id)
);
CREATE INDEX ix_crate_keywords_crate_id ON crate_keywords (crate_id);

CREATE TABLE crate_categories (
    category text   NOT NULL,
    crate_id bigint NOT NULL REFERENCES crates (id) ON DELETE CASCADE,
    PRIMARY KEY (category, crate_id)
);
CREATE INDEX ix_crate_categories_crate_id ON crate_categories (crate_id);

-- Crates published before this migration: the keywords and categories cargo sent with the latest publish (the
-- highest version id), lowercased like a publish stores them.
INSERT INTO crate_keywords (keyword, crate_id)
SELECT DISTINCT lower(k.value), v.crate_id
FROM versions v, jsonb_array_elements_text(CASE WHEN jsonb_typeof(v.metadata_json::jsonb -> 'keywords') = 'array'
                                                THEN v.metadata_json::jsonb -> 'keywords' ELSE '[]'::jsonb END) k
WHERE v.id = (SELECT max(id) FROM versions WHERE crate_id = v.crate_id)
ON CONFLICT DO NOTHING;

INSERT INTO crate_categories (category, crate_id)
SELECT DISTINCT lower(k.value), v.crate_id
FROM versions v, jsonb_array_elements_text(CASE WHEN jsonb_typeof(v.metadata_json::jsonb -> 'categories') = 'array'
                                                THEN v.metadata_json::jsonb -> 'categories' ELSE '[]'::jsonb END) k
WHERE v.id = (SELECT max(id) FROM versions WHERE crate_id = v.crate_id)
ON CONFLICT DO NOTHING;

-- Categories are searchable words from now on (the pg_trgm index follows the column).
UPDATE crates
SET search_text = search_text || ' ' || (SELECT string_agg(category, ' ' ORDER BY category) FROM crate_categories WHERE crate_id = crates.id)
WHERE id IN (SELECT crate_id FROM crate_categories);
