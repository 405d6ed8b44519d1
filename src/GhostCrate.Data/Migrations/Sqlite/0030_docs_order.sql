-- Whether an upload came after a build was asked for is decided by the database, not by clocks (issue 22;
-- docs/rustdoc.md). SQLite. Keep in step with Postgres/0030_docs_order.sql.
-- `seq` counts the moves of a version's row that matter for that order; queueing a build stores the next value in
-- `build_queued_seq` (the build's ticket) and an upload stores it in `upload_seq`, each in the same UPDATE that moves
-- the row. A build's swap keeps the current docs when they were uploaded with a higher number than its ticket. Before,
-- the upload's time (one node's clock) was compared with the queue's time (another node's clock), and a node whose
-- clock ran behind could let a build replace docs uploaded after the build was asked for.
ALTER TABLE version_docs ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE version_docs ADD COLUMN build_queued_seq BIGINT NULL;
ALTER TABLE version_docs ADD COLUMN upload_seq BIGINT NULL;
-- Rows already there: an upload that the time rule found newer than a pending build keeps that verdict (2 > 1); every
-- other upload is older than any build queued from now on.
UPDATE version_docs SET
    seq = 2,
    build_queued_seq = CASE WHEN build_status IN ('queued', 'building') THEN 1 ELSE NULL END,
    upload_seq = CASE WHEN generation IS NOT NULL AND source = 'upload'
                      THEN CASE WHEN build_status IN ('queued', 'building') AND updated_at > build_updated_at THEN 2 ELSE 1 END
                      ELSE NULL END;
