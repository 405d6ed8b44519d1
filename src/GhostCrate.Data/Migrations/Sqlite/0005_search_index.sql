-- Crate search (`cargo search`, the web UI) matches a substring of crates.search_text, which no B-tree can serve: a
-- scan cost ~100 ms per search at 100k crates. An FTS5 trigram index finds substrings of 3 or more characters
-- (SearchFilter matches the query as one phrase). It is an external-content table over crates, kept in step by the
-- triggers below, so the text is stored once. Keep in step with Postgres/0005_search_index.sql.
CREATE VIRTUAL TABLE crates_search USING fts5(search_text, content = 'crates', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO crates_search (crates_search) VALUES ('rebuild');

CREATE TRIGGER crates_search_insert AFTER INSERT ON crates BEGIN
    INSERT INTO crates_search (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER crates_search_delete AFTER DELETE ON crates BEGIN
    INSERT INTO crates_search (crates_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;

CREATE TRIGGER crates_search_update AFTER UPDATE OF search_text ON crates BEGIN
    INSERT INTO crates_search (crates_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO crates_search (rowid, search_text) VALUES (new.id, new.search_text);
END;

-- Common words match a large part of the registry: ranking walks crates in this order and stops when a page is full
-- (CrateRepository.SearchAsync) instead of sorting every match.
CREATE INDEX ix_crates_downloads_name ON crates (downloads DESC, name);
