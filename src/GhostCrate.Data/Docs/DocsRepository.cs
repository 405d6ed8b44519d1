using System.Data.Common;
using Dapper;
using GhostCrate.Core.Docs;
using GhostCrate.Core.Jobs;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Jobs;

namespace GhostCrate.Data.Docs;

internal sealed class DocsRepository(IDbConnectionFactory factory, IJobWakeup wakeup) : IDocsRepository
{
    private const string Columns =
        "version_id AS VersionId, generation AS Generation, CAST(files AS BIGINT) AS Files, bytes AS Bytes, source AS Source, updated_at AS UpdatedAt, " +
        "updated_by AS UpdatedBy, build_status AS BuildStatus, build_log AS BuildLog, build_updated_at AS BuildUpdatedAt, build_toolchain AS BuildToolchain";

    public Task<VersionDocs?> FindAsync(long versionId, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                $"SELECT {Columns} FROM version_docs WHERE version_id = @versionId", new { versionId }, cancellationToken: cancellationToken));
            return row?.ToRecord();
        }, cancellationToken);

    public Task<IReadOnlyList<VersionDocs>> ListForCrateAsync(long crateId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<VersionDocs>>(async connection =>
            [.. (await connection.QueryAsync<Row>(new CommandDefinition(
                $"SELECT {Columns} FROM version_docs WHERE version_id IN (SELECT id FROM versions WHERE crate_id = @crateId)",
                new { crateId }, cancellationToken: cancellationToken))).Select(r => r.ToRecord())], cancellationToken);

    public Task<DocsSwapResult> SwapAsync(long versionId, DocsGeneration generation, long? buildTicket, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // The row exists first, then is locked (PostgreSQL: FOR UPDATE; SQLite's write transaction locks the
            // database): two swaps of one version take turns, and each learns exactly the generation it replaced.
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO version_docs (version_id) VALUES (@versionId) ON CONFLICT (version_id) DO NOTHING",
                new { versionId }, transaction, cancellationToken: cancellationToken));
            var current = await connection.QuerySingleAsync<CurrentRow>(new CommandDefinition(
                $"SELECT generation AS Generation, source AS Source, upload_seq AS UploadSeq FROM version_docs WHERE version_id = @versionId{factory.LockRowsSuffix}",
                new { versionId }, transaction, cancellationToken: cancellationToken));
            // Decided under the row lock by the row's own counter, which every node moves in this database: an upload
            // that committed after the build was queued has the higher number and is kept; one that commits after
            // this swap replaces the build. No clock takes part (two nodes' clocks need not agree).
            if (buildTicket is { } ticket && current is { Generation: not null, Source: "upload" } && current.UploadSeq > ticket)
                return new DocsSwapResult(false, null);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE version_docs SET generation = @id, files = @files, bytes = @bytes, source = @source, updated_at = @at, updated_by = @user,
                       seq = seq + 1, upload_seq = CASE WHEN @source = 'upload' THEN seq + 1 ELSE upload_seq END
                WHERE version_id = @versionId
                """,
                new { versionId, id = generation.Id, files = generation.Files, bytes = generation.Bytes, source = generation.Source, at = UnixTime.ToMs(generation.At), user = generation.UserId },
                transaction, cancellationToken: cancellationToken));
            return new DocsSwapResult(true, current.Generation);
        }, cancellationToken);

    public async Task<bool> TryQueueBuildAsync(long versionId, NewJob job, DocsQueueReason reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var queued = await factory.WriteAsync(async (connection, transaction) =>
        {
            if (!await TryMarkQueuedAsync(connection, transaction, versionId, job, reason, now, cancellationToken)) return false;
            await JobSql.InsertAsync(factory, connection, transaction, job, now, cancellationToken);
            return true;
        }, cancellationToken);
        // Committed: this process's idle workers need not wait for their next poll (other nodes hear PostgreSQL's NOTIFY).
        if (queued) wakeup.Signal();
        return queued;
    }

    public async Task<int> QueueBuildsAsync(IReadOnlyList<DocsBuildTarget> targets, DocsQueueReason reason, DateTimeOffset now,
        Func<DocsBuildTarget, NewJob> jobFor, CancellationToken cancellationToken)
    {
        var queued = await factory.WriteAsync(async (connection, transaction) =>
        {
            // One transaction per batch: each version's move to queued commits with its job (the outbox), so a node that
            // dies half-way leaves neither a queued version without a job nor a job without its state.
            var marked = 0;
            foreach (var target in targets)
            {
                var job = jobFor(target);
                if (!await TryMarkQueuedAsync(connection, transaction, target.VersionId, job, reason, now, cancellationToken)) continue;
                await JobSql.InsertAsync(factory, connection, transaction, job, now, cancellationToken);
                marked++;
            }
            return marked;
        }, cancellationToken);
        if (queued > 0) wakeup.Signal();
        return queued;
    }

    private async Task<bool> TryMarkQueuedAsync(DbConnection connection, DbTransaction transaction, long versionId, NewJob job, DocsQueueReason reason,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The job's dedup key tells whether a build of the version is still alive (Idle).
        if (job.DedupKey is null) throw new ArgumentException("a docs build job needs its dedup key", nameof(job));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO version_docs (version_id) VALUES (@versionId) ON CONFLICT (version_id) DO NOTHING",
            new { versionId }, transaction, cancellationToken: cancellationToken));
        // The row is locked first (PostgreSQL: FOR UPDATE; SQLite's write transaction is already exclusive), so the
        // conditional UPDATE below is a new statement that sees what a node that held the lock committed. Without it
        // a node waiting on the row would recheck only the row after the other's commit (READ COMMITTED) and judge
        // the jobs subquery by its old snapshot, where the other's job does not exist yet: two rebuilds both queued.
        await connection.ExecuteAsync(new CommandDefinition(
            $"SELECT version_id FROM version_docs WHERE version_id = @versionId{factory.LockRowsSuffix}",
            new { versionId }, transaction, cancellationToken: cancellationToken));
        // One conditional UPDATE is the compare-and-set: of two nodes (or a fan-out and a rebuild) only the one
        // that still sees the old state changes the row.
        var condition = reason switch
        {
            DocsQueueReason.Publish => "((build_status IS NULL AND generation IS NULL) OR build_status = 'queued')",
            DocsQueueReason.Rebuild => $"({Idle})",
            // Checked here, in the same UPDATE, and not only when listing: an upload that lands between a
            // rebuild-all's listing and its enqueue is still kept.
            _ => $"({Idle}) AND (generation IS NULL OR source <> 'upload')",
        };
        // The build's ticket (build_queued_seq) is taken from the row's counter in the same statement.
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE version_docs SET build_status = 'queued', build_log = NULL, build_updated_at = @now, seq = seq + 1, build_queued_seq = seq + 1 WHERE version_id = @versionId AND {condition}",
            new { versionId, now = UnixTime.ToMs(now), dedupKey = job.DedupKey }, transaction, cancellationToken: cancellationToken));
        return changed == 1;
    }

    public Task<long?> TryStartBuildAsync(long versionId, string toolchain, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            UPDATE version_docs SET build_status = 'building', build_toolchain = @toolchain, build_log = NULL, build_updated_at = @now
            WHERE version_id = @versionId AND build_status IN ('queued', 'building')
            RETURNING COALESCE(build_queued_seq, 0)
            """,
            new { versionId, toolchain, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<IReadOnlyList<DocsBuildTarget>> ListRebuildTargetsAsync(string? otherThanToolchain, bool includeUploaded, long afterVersionId, int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<DocsBuildTarget>>(async connection =>
            [.. await connection.QueryAsync<DocsBuildTarget>(new CommandDefinition(
                $"""
                SELECT v.id AS VersionId, c.name AS Crate, c.canonical_name AS CanonicalName, v.num AS Version
                FROM versions v JOIN crates c ON c.id = v.crate_id LEFT JOIN version_docs d ON d.version_id = v.id
                WHERE v.held = 0 AND v.id > @after
                  AND (CASE WHEN {Uploaded} THEN @includeUploaded
                            WHEN @toolchain IS NULL THEN 1
                            WHEN d.build_status IS NOT NULL AND {OtherToolchain} THEN 1
                            ELSE 0 END) = 1
                ORDER BY v.id
                LIMIT @limit
                """,
                new { toolchain = otherThanToolchain, includeUploaded = includeUploaded ? 1 : 0, after = afterVersionId, limit }, cancellationToken: cancellationToken))], cancellationToken);

    public Task<DocsBuildCounts> CountAsync(string toolchain, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            // One pass over the versions (an admin page's query, not a hot path); COALESCE: SUM of no rows is NULL.
            var row = await connection.QuerySingleAsync<CountRow>(new CommandDefinition(
                $"""
                SELECT COALESCE(SUM(CASE WHEN d.build_status = 'queued' THEN 1 ELSE 0 END), 0) AS Queued,
                       COALESCE(SUM(CASE WHEN d.build_status = 'building' THEN 1 ELSE 0 END), 0) AS Building,
                       COALESCE(SUM(CASE WHEN d.build_status = 'built' THEN 1 ELSE 0 END), 0) AS Built,
                       COALESCE(SUM(CASE WHEN d.build_status = 'failed' THEN 1 ELSE 0 END), 0) AS Failed,
                       COALESCE(SUM(CASE WHEN {Uploaded} THEN 1 ELSE 0 END), 0) AS Uploaded,
                       COALESCE(SUM(CASE WHEN d.generation IS NULL AND d.build_status IS NULL THEN 1 ELSE 0 END), 0) AS WithoutDocs,
                       COALESCE(SUM(CASE WHEN d.build_status IN ('built', 'failed') AND {OtherToolchain} AND NOT ({Uploaded}) THEN 1 ELSE 0 END), 0) AS Outdated
                FROM versions v LEFT JOIN version_docs d ON d.version_id = v.id
                WHERE v.held = 0
                """,
                new { toolchain }, cancellationToken: cancellationToken));
            return new DocsBuildCounts(row.Queued, row.Building, row.Built, row.Failed, row.Uploaded, row.WithoutDocs, row.Outdated);
        }, cancellationToken);

    public Task<IReadOnlyList<DocsBuildFailure>> ListRecentFailuresAsync(int limit, int excerptChars, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<DocsBuildFailure>>(async connection =>
            [.. (await connection.QueryAsync<FailureRow>(new CommandDefinition(
                // The excerpt is cut in SQL so a page of failures never reads whole logs (up to Docs:Build:MaxLogBytes each).
                """
                SELECT c.name AS Crate, v.num AS Version, d.build_updated_at AS FailedAt, d.build_toolchain AS Toolchain,
                       CASE WHEN length(d.build_log) > @chars THEN substr(d.build_log, length(d.build_log) - @chars + 1) ELSE COALESCE(d.build_log, '') END AS LogExcerpt
                FROM version_docs d JOIN versions v ON v.id = d.version_id JOIN crates c ON c.id = v.crate_id
                WHERE d.build_status = 'failed'
                ORDER BY d.build_updated_at DESC, d.version_id DESC
                LIMIT @limit
                """,
                new { limit, chars = excerptChars }, cancellationToken: cancellationToken)))
                .Select(r => new DocsBuildFailure(r.Crate, r.Version, UnixTime.FromMs(r.FailedAt), r.Toolchain, r.LogExcerpt))], cancellationToken);

    public Task<bool> FinishBuildAsync(long versionId, long buildTicket, DocsBuildStatus status, string log, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            // A compare-and-set on the ticket: every queue takes a new one from the row's counter, so a build whose job
            // lease ran out and that finishes after a rebuild was queued (or started elsewhere) no longer matches and
            // leaves that newer build's state alone. COALESCE as in TryStartBuildAsync (rows that were never queued have none).
            "UPDATE version_docs SET build_status = @status, build_log = @log, build_updated_at = @now WHERE version_id = @versionId AND COALESCE(build_queued_seq, 0) = @buildTicket",
            new { versionId, buildTicket, status = status.ToString().ToLowerInvariant(), log, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) == 1, cancellationToken);

    /// <summary>Current docs that were uploaded (a rebuild-all keeps them unless asked).</summary>
    private const string Uploaded = "(d.generation IS NOT NULL AND d.source = 'upload')";

    /// <summary>Built with a toolchain other than @toolchain, or before one was recorded.</summary>
    private const string OtherToolchain = "(d.build_toolchain IS NULL OR d.build_toolchain <> @toolchain)";

    /// <summary>
    /// No build queued or running, or one whose job is no longer pending or running: its node died and the job queue
    /// took the job back when its lease ran out (dead after the last attempt). The job's state is the one judgment of a
    /// build's life, made in this database; no node compares its own clock with a time another node wrote.
    /// Reads ux_jobs_dedup_active (dedup_key, pending or running).
    /// </summary>
    private const string Idle =
        "build_status IS NULL OR build_status IN ('built', 'failed') " +
        "OR NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.dedup_key = @dedupKey AND jobs.state IN ('pending', 'running'))";

    private sealed record CurrentRow(string? Generation, string? Source, long? UploadSeq);

    private sealed record CountRow(long Queued, long Building, long Built, long Failed, long Uploaded, long WithoutDocs, long Outdated);

    /// <summary>
    /// Properties rather than a constructor: with no failure at all SQLite reports the excerpt (an expression without a
    /// declared type) as a BLOB column, and Dapper would find no constructor to match.
    /// </summary>
    private sealed class FailureRow
    {
        public string Crate { get; set; } = "";
        public string Version { get; set; } = "";
        public long FailedAt { get; set; }
        public string? Toolchain { get; set; }
        public string LogExcerpt { get; set; } = "";
    }

    private sealed record Row(long VersionId, string? Generation, long Files, long Bytes, string? Source, long? UpdatedAt, long? UpdatedBy, string? BuildStatus, string? BuildLog, long? BuildUpdatedAt, string? BuildToolchain)
    {
        public VersionDocs ToRecord() => new(VersionId, Generation, (int)Files, Bytes, Source, UnixTime.FromMs(UpdatedAt), UpdatedBy,
            BuildStatus is null ? null : Enum.Parse<DocsBuildStatus>(BuildStatus, ignoreCase: true), BuildLog, UnixTime.FromMs(BuildUpdatedAt), BuildToolchain);
    }
}
