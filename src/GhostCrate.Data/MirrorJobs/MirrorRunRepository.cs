using Dapper;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.MirrorJobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Jobs;

namespace GhostCrate.Data.MirrorJobs;

/// <summary>The mirror_runs table (0025), the same SQL on both databases.</summary>
internal sealed class MirrorRunRepository(IDbConnectionFactory factory) : IMirrorRunRepository
{
    // A summary, an error or a log quotes upstream answers and file names; bounds keep one run from bloating the table.
    private const int MaxTextLength = 2000;
    private const int MaxLogLength = 16_000;

    private const string Columns = """
        id AS Id, operation AS Operation, directory AS Directory, parameters AS Parameters, state AS State,
        requested_by AS RequestedBy, job_id AS JobId, node AS Node, attempts AS Attempts, created_at AS CreatedAt,
        started_at AS StartedAt, updated_at AS UpdatedAt, finished_at AS FinishedAt, phase AS Phase,
        files_done AS FilesDone, files_total AS FilesTotal, bytes AS Bytes, retries AS Retries, failures AS Failures,
        summary AS Summary, log AS Log, error AS Error, artifact AS Artifact, cancel_requested AS CancelRequested
        """;

    public async Task<MirrorRun?> QueueAsync(string operation, string directory, string? parameters, string? requestedBy, Func<long, NewJob> job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var id = await factory.WriteAsync(async (connection, transaction) =>
            {
                var runId = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                    INSERT INTO mirror_runs (operation, directory, parameters, state, requested_by, created_at, updated_at)
                    VALUES (@operation, @directory, @parameters, 'queued', @requestedBy, @now, @now)
                    RETURNING id
                    """, new { operation, directory, parameters, requestedBy, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken));
                // The job and the run commit together: no run row without the job that will run it, and no job whose
                // run row is missing. A job already holding the directory's dedup key rolls both back.
                var jobId = await JobSql.InsertAsync(factory, connection, transaction, job(runId), now, cancellationToken) ?? throw new AlreadyQueued();
                await connection.ExecuteAsync(new CommandDefinition("UPDATE mirror_runs SET job_id = @jobId WHERE id = @runId",
                    new { jobId, runId }, transaction, cancellationToken: cancellationToken));
                return runId;
            }, cancellationToken);
            return await FindAsync(id, cancellationToken);
        }
        catch (AlreadyQueued)
        {
            return null;
        }
    }

    public Task<bool> StartAsync(long id, string node, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE mirror_runs SET state = 'running', node = @node, attempts = attempts + 1, started_at = COALESCE(started_at, @now), updated_at = @now
            WHERE id = @id AND state IN ('queued', 'running')
            """, new { id, node, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) == 1, cancellationToken);

    public Task<bool> ReportProgressAsync(long id, MirrorRunProgress progress, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE mirror_runs SET phase = @Phase, files_done = @FilesDone, files_total = @FilesTotal, bytes = @Bytes,
                       retries = @Retries, failures = @Failures, updated_at = @now
                WHERE id = @id AND state = 'running'
                """, new { id, progress.Phase, progress.FilesDone, progress.FilesTotal, progress.Bytes, progress.Retries, progress.Failures, now = UnixTime.ToMs(now) },
                transaction, cancellationToken: cancellationToken));
            return await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT cancel_requested FROM mirror_runs WHERE id = @id",
                new { id }, transaction, cancellationToken: cancellationToken)) == 1;
        }, cancellationToken);

    public Task<bool> FinishAsync(long id, MirrorRunResult result, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var p = result.Progress;
            var changed = await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE mirror_runs SET state = @State, finished_at = @now, updated_at = @now, phase = @Phase, files_done = @FilesDone,
                       files_total = @FilesTotal, bytes = @Bytes, retries = @Retries, failures = @Failures,
                       summary = @Summary, log = @Log, error = @Error, artifact = @Artifact
                WHERE id = @id AND state IN ('queued', 'running')
                """,
                new
                {
                    id, result.State, now = UnixTime.ToMs(now), p.Phase, p.FilesDone, p.FilesTotal, p.Bytes, p.Retries, p.Failures,
                    Summary = Bound(result.Summary, MaxTextLength), Log = Bound(result.Log, MaxLogLength), Error = Bound(result.Error, MaxTextLength), result.Artifact,
                }, transaction, cancellationToken: cancellationToken));
            if (changed == 0) return false;
            var run = (await connection.QuerySingleAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM mirror_runs WHERE id = @id",
                new { id }, transaction, cancellationToken: cancellationToken))).ToRun();
            // The event commits with the result it reports (the outbox): one event per run, however often the job is delivered.
            var type = result.State == MirrorRunStates.Succeeded ? RegistryEventTypes.MirrorSyncSucceeded : RegistryEventTypes.MirrorSyncFailed;
            var data = new MirrorRunEventData(run.Id, run.Operation, run.Directory, run.State, run.StartedAt, now,
                p.FilesDone, p.FilesTotal, p.Bytes, run.Summary ?? "", run.Error);
            await JobSql.InsertAsync(factory, connection, transaction, RegistryEvent.Create(type, data, now).ToJob(), now, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<bool> RequestCancelAsync(long id, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE mirror_runs SET cancel_requested = 1 WHERE id = @id AND state IN ('queued', 'running')",
            new { id }, transaction, cancellationToken: cancellationToken)) == 1, cancellationToken);

    public Task<MirrorRun?> FindAsync(long id, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM mirror_runs WHERE id = @id", new { id }, cancellationToken: cancellationToken)))?.ToRun(), cancellationToken);

    public Task<IReadOnlyList<MirrorRun>> ListRecentAsync(int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<MirrorRun>>(async connection => (await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM mirror_runs ORDER BY created_at DESC, id DESC LIMIT @limit", new { limit }, cancellationToken: cancellationToken)))
            .Select(r => r.ToRun()).ToList(), cancellationToken);

    private static string? Bound(string? text, int max) => text is { Length: var n } && n > max ? text[..max] : text;

    private sealed class AlreadyQueued : Exception;

    // Settable properties: SQLite reports integers as Int64 and NULLs without a type, which Dapper maps onto properties.
    private sealed class Row
    {
        public long Id { get; init; }
        public string Operation { get; init; } = "";
        public string Directory { get; init; } = "";
        public string? Parameters { get; init; }
        public string State { get; init; } = "";
        public string? RequestedBy { get; init; }
        public long? JobId { get; init; }
        public string? Node { get; init; }
        public long Attempts { get; init; }
        public long CreatedAt { get; init; }
        public long? StartedAt { get; init; }
        public long UpdatedAt { get; init; }
        public long? FinishedAt { get; init; }
        public string? Phase { get; init; }
        public long FilesDone { get; init; }
        public long FilesTotal { get; init; }
        public long Bytes { get; init; }
        public long Retries { get; init; }
        public long Failures { get; init; }
        public string? Summary { get; init; }
        public string? Log { get; init; }
        public string? Error { get; init; }
        public string? Artifact { get; init; }
        public long CancelRequested { get; init; }

        public MirrorRun ToRun() => new(Id, Operation, Directory, Parameters, State, RequestedBy, JobId, Node, (int)Attempts,
            UnixTime.FromMs(CreatedAt), StartedAt is { } s ? UnixTime.FromMs(s) : null, UnixTime.FromMs(UpdatedAt), FinishedAt is { } f ? UnixTime.FromMs(f) : null,
            new MirrorRunProgress(Phase, FilesDone, FilesTotal, Bytes, Retries, Failures), Summary, Log, Error, Artifact, CancelRequested != 0);
    }
}
