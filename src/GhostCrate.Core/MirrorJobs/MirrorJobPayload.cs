using System.Text.Json;
using System.Text.Json.Serialization;
using GhostCrate.Core.Jobs;

namespace GhostCrate.Core.MirrorJobs;

/// <summary>
/// The job that runs a mirror operation: its payload names the run; the run row holds the operation and its parameters.
/// The dedup key is the mirror directory, so one operation at a time runs on a directory however many clicks or nodes
/// ask (the mirror's own lock file would refuse a second one anyway, after it had been queued for nothing).
/// </summary>
public static class MirrorJobPayload
{
    public const string JobKind = "mirror.run";

    /// <summary>
    /// A node that dies mid-run loses its lease; the second attempt continues where the first stopped (verified files
    /// are kept). A run that fails on its own is not retried: it is recorded and the administrator decides.
    /// </summary>
    public const int MaxAttempts = 2;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string DedupKey(string directory) => "mirror-dir:" + Path.GetFullPath(directory);

    public static NewJob Job(long runId, string directory) =>
        new(JobKind, JsonSerializer.Serialize(new RunPayload(runId), Json), DedupKey(directory), MaxAttempts: MaxAttempts);

    public static long? RunId(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<RunPayload>(payload, Json)?.RunId;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Parameters(MirrorJobRequest request) => JsonSerializer.Serialize(request, Json);

    public static MirrorJobRequest? ReadParameters(string? parameters)
    {
        if (parameters is null) return null;
        try
        {
            return JsonSerializer.Deserialize<MirrorJobRequest>(parameters, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record RunPayload(long RunId);
}
