using System.Text.Json;
using System.Text.Json.Serialization;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Storage;

namespace GhostCrate.Mirror.Sync;

/// <summary>
/// manifests/sync-TIME.jsonl: one JSON line per file of a run (name, version, size, sha256, status, attempts,
/// duration), flushed line by line so a killed run still leaves a readable manifest, and two runs can be diffed.
/// </summary>
public sealed class ManifestWriter : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
    private readonly StreamWriter _writer;
    private readonly object _gate = new();
    private readonly TimeProvider _time;

    public ManifestWriter(MirrorLayout layout, string kind, TimeProvider time)
    {
        _time = time;
        Directory.CreateDirectory(layout.ManifestsDir);
        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Path = System.IO.Path.Combine(layout.ManifestsDir, $"{kind}-{stamp}-{Guid.NewGuid().ToString("N")[..6]}.jsonl");
        _writer = new StreamWriter(new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read)) { NewLine = "\n" };
    }

    public string Path { get; }

    /// <summary>
    /// Appends the outcome's line. Written and flushed in place under a lock: a line is a few hundred bytes going to
    /// the page cache, cheaper to write on the spot than to hand to another thread and wait for.
    /// </summary>
    public void Write(DownloadOutcome outcome)
    {
        var line = JsonSerializer.Serialize(new ManifestLine(
            _time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            outcome.Request.Name,
            outcome.Request.Version,
            outcome.Size,
            outcome.Sha256,
            outcome.Status.ToString().ToLowerInvariant(),
            outcome.Attempts,
            Math.Round(outcome.Duration.TotalMilliseconds, 1),
            outcome.ResumedFrom > 0 ? outcome.ResumedFrom : null,
            outcome.Error), Options);
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
    }

    private sealed record ManifestLine(string Time, string Name, string Version, long Size, string? Sha256, string Status, int Attempts, double DurationMs, long? ResumedFrom, string? Error);
}
