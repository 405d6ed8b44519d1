-- Branding set from the admin UI (issue 23 item 5, docs/ui.md#branding), Sqlite. Keep in step with Postgres/0032_branding.sql.

-- One row (id = 1), written by the first change an administrator makes; until then, and in every NULL column, the
-- configuration's value (section Ui) applies. `revision` moves by one with every write (a reset clears the columns,
-- never the row), so a node that read revision N knows its memory is current exactly while the stored revision is N
-- (Core/Branding/BrandingService.cs). No row is inserted here: an empty database stays empty for a restore's check.
-- SQLite has one server process; the change feed's poll reads the revision (Data/Changes/LocalChangeFeed.cs).
CREATE TABLE branding (
    id                INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    revision          INTEGER NOT NULL,
    display_name      TEXT    NULL,
    registry_name     TEXT    NULL,
    accent_color      TEXT    NULL,
    footer_text       TEXT    NULL,
    login_message     TEXT    NULL,
    logo              BLOB    NULL,
    logo_content_type TEXT    NULL,
    updated_at        INTEGER NOT NULL,
    updated_by        TEXT    NULL,
    CHECK ((logo IS NULL) = (logo_content_type IS NULL))
);
