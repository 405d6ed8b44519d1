-- Branding set from the admin UI (issue 23 item 5, docs/ui.md#branding), PostgreSQL. Keep in step with Sqlite/0032_branding.sql.

-- One row (id = 1), written by the first change an administrator makes; until then, and in every NULL column, the
-- configuration's value (section Ui) applies. `revision` moves by one with every write (a reset clears the columns,
-- never the row), so a node that read revision N knows its memory is current exactly while the stored revision is N
-- (Core/Branding/BrandingService.cs). No row is inserted here: an empty database stays empty for a restore's check.
CREATE TABLE branding (
    id                integer NOT NULL PRIMARY KEY CHECK (id = 1),
    revision          bigint  NOT NULL,
    display_name      text    NULL,
    registry_name     text    NULL,
    accent_color      text    NULL,
    footer_text       text    NULL,
    login_message     text    NULL,
    logo              bytea   NULL,
    logo_content_type text    NULL,
    updated_at        bigint  NOT NULL,
    updated_by        text    NULL,
    CHECK ((logo IS NULL) = (logo_content_type IS NULL))
);

-- Every node follows the row through the change feed: the NOTIFY is delivered at commit, never for a rollback.
-- A trigger, so that no write path can forget.
CREATE FUNCTION ghostcrate_branding_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ghostcrate_changes', 'branding');
    RETURN NULL;
END
$$;
CREATE TRIGGER tr_branding_changed AFTER INSERT OR UPDATE OR DELETE ON branding FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_branding_changed();
