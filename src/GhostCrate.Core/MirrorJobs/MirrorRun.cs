namespace GhostCrate.Core.MirrorJobs;

/// <summary>The operations an administrator can run on the offline mirror from the server (the CLI's verbs).</summary>
public static class MirrorOperations
{
    /// <summary>`ghostcrate mirror sync`: the crate index and files of mirror.json's upstream.</summary>
    public const string Sync = "sync";

    /// <summary>`ghostcrate toolchain sync`: rustup channels from a dist server.</summary>
    public const string ToolchainSync = "toolchain-sync";

    /// <summary>`ghostcrate mirror verify`: every served file against its hash.</summary>
    public const string Verify = "verify";

    /// <summary>`ghostcrate mirror verify --repair`: quarantine corrupt crate files and fetch missing ones again.</summary>
    public const string Repair = "repair";

    /// <summary>`ghostcrate mirror export`: a signed bundle (full, or since the last export) into Mirror:ExportDirectory.</summary>
    public const string Export = "export";

    public static IReadOnlyList<string> All { get; } = [Sync, ToolchainSync, Verify, Repair, Export];
}

/// <summary>Where a run is: waiting for a worker, running on a node, or finished one of three ways.</summary>
public static class MirrorRunStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinished(string state) => state is Succeeded or Failed or Cancelled;
}

/// <summary>
/// What a toolchain sync started from the server mirrors (the CLI's flags of `toolchain sync`). The trusted key is
/// not a parameter: it is Mirror:ToolchainKeyFile on the node that runs the job.
/// </summary>
public sealed record ToolchainJobParameters(
    IReadOnlyList<string> Channels,
    IReadOnlyList<string> Hosts,
    IReadOnlyList<string> Targets,
    string? Profile,
    IReadOnlyList<string> Components,
    string? DistServer,
    int? KeepStable);

/// <summary>An administrator's request: the operation and, for a toolchain sync, what to mirror; for an export, since which mark.</summary>
public sealed record MirrorJobRequest(string Operation, ToolchainJobParameters? Toolchain = null, bool Incremental = false);

/// <summary>The counters a running job stores while it goes (any node's page reads them).</summary>
public sealed record MirrorRunProgress(string? Phase, long FilesDone, long FilesTotal, long Bytes, long Retries, long Failures);

/// <summary>How a run ended: its state, a one-line summary, the start of its log, and the file it made (an export's bundle).</summary>
public sealed record MirrorRunResult(string State, string Summary, string? Log, string? Error, string? Artifact, MirrorRunProgress Progress);

/// <summary>One server-run mirror operation, as stored in mirror_runs.</summary>
public sealed record MirrorRun(
    long Id,
    string Operation,
    string Directory,
    string? Parameters,
    string State,
    string? RequestedBy,
    long? JobId,
    string? Node,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    MirrorRunProgress Progress,
    string? Summary,
    string? Log,
    string? Error,
    string? Artifact,
    bool CancelRequested)
{
    public bool Finished => MirrorRunStates.IsFinished(State);
}

/// <summary>A check made before a job is queued and again when it starts; <see cref="Ok"/> false stops the run.</summary>
public sealed record PrerequisiteCheck(string Name, bool Ok, string Detail);
