using GhostCrate.Core.Jobs;

namespace GhostCrate.Data.Jobs;

internal sealed class JobRow
{
    public const string Columns =
        "id AS Id, kind AS Kind, payload AS Payload, dedup_key AS DedupKey, state AS State, attempts AS Attempts, " +
        "max_attempts AS MaxAttempts, run_at AS RunAt, lease_token AS LeaseToken, leased_until AS LeasedUntil, " +
        "last_error AS LastError, created_at AS CreatedAt, finished_at AS FinishedAt";

    public long Id { get; set; }
    public string Kind { get; set; } = "";
    public string Payload { get; set; } = "";
    public string? DedupKey { get; set; }
    public string State { get; set; } = "";
    public long Attempts { get; set; }
    public long MaxAttempts { get; set; }
    public long RunAt { get; set; }
    public string? LeaseToken { get; set; }
    public long? LeasedUntil { get; set; }
    public string? LastError { get; set; }
    public long CreatedAt { get; set; }
    public long? FinishedAt { get; set; }

    public JobRecord ToRecord() => new(
        Id, Kind, Payload, DedupKey, ParseState(State), (int)Attempts, (int)MaxAttempts, UnixTime.FromMs(RunAt),
        UnixTime.FromMs(LeasedUntil), LastError, UnixTime.FromMs(CreatedAt), UnixTime.FromMs(FinishedAt));

    public static string StateText(JobState state) => state switch
    {
        JobState.Pending => "pending",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Dead => "dead",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static JobState ParseState(string state) => state switch
    {
        "pending" => JobState.Pending,
        "running" => JobState.Running,
        "succeeded" => JobState.Succeeded,
        "dead" => JobState.Dead,
        _ => throw new InvalidOperationException($"Unknown job state '{state}'."),
    };
}
