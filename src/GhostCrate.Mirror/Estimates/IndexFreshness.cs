using System.Globalization;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Toolchains;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Mirror.Estimates;

/// <summary>
/// How the served index stands against its upstream, from the reads the estimate makes anyway (no extra request): each
/// selected crate's index file, or each channel's manifest, compared with what the mirror serves now. Current: a sync
/// would write the same file. New: not served yet. Changed: the upstream moved on (new versions, yanks, a new
/// release); the sync brings it. Behind: the upstream is older than what is served (its newest version, or its
/// manifest's date, is older), so the sync would take the mirror back: an upstream that is itself a stale mirror or a
/// restored copy. Only that is a problem; a stale mirror is what a sync is for.
/// </summary>
public sealed record IndexFreshness(string Unit, long Current, long New, long Changed, long Behind, IReadOnlyList<string> Examples)
{
    public bool UpstreamBehind => Behind > 0;

    /// <summary>One line for the prerequisite check and `estimate`'s output.</summary>
    public string Describe()
    {
        var examples = Examples.Count > 0 ? $" ({string.Join("; ", Examples)})" : "";
        if (Behind > 0)
            return $"the upstream is older than this mirror for {Count(Behind)} {Unit}{examples}: a sync would serve older releases than now; is the upstream a stale mirror or a restored copy?";
        if (Current + Changed == 0)
            return New == 0 ? $"no {Unit} to compare" : $"nothing served yet: the sync fetches all {Count(New)} {Unit}";
        if (Changed + New == 0)
            return $"current: none of the {Count(Current)} served {Unit} changed upstream; a sync would change nothing";
        var text = Changed > 0 ? $"{Count(Changed)} of {Count(Current + Changed)} served {Unit} changed upstream{examples}" : $"none of the {Count(Current)} served {Unit} changed upstream";
        return text + (New > 0 ? $", {Count(New)} not served yet" : "") + "; the sync brings them";
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>Counts <see cref="IndexFreshness"/> while the estimate reads the upstream.</summary>
internal sealed class FreshnessTally(string unit)
{
    private const int MaxExamples = 3;

    private readonly List<string> _changedExamples = [];
    private readonly List<string> _behindExamples = [];
    private long _current, _new, _changed, _behind;

    /// <param name="upstream">Every line of the upstream's file (the newest version is the upstream's, whatever the selection keeps).</param>
    /// <param name="selected">The lines the sync would serve.</param>
    /// <param name="served">The served file's lines, or null when the crate is not served.</param>
    public void Crate(string name, IReadOnlyList<IndexLine> upstream, IReadOnlyList<IndexLine> selected, IReadOnlyList<IndexLine>? served)
    {
        if (served is not { Count: > 0 })
        {
            if (selected.Count > 0) _new++;
            return;
        }
        var servedNewest = Newest(served);
        var upstreamNewest = Newest(upstream);
        if (servedNewest is not null && (upstreamNewest is null || upstreamNewest < servedNewest))
        {
            Behind($"{name} {servedNewest} served, the upstream's newest is {upstreamNewest?.ToString() ?? "none"}");
            return;
        }
        if (IndexLine.Render(served) == IndexLine.Render(selected)) _current++;
        else Changed(Equals(servedNewest, upstreamNewest) ? name : $"{name} {servedNewest} -> {upstreamNewest}");
    }

    /// <summary>A served crate whose file the upstream no longer has: the sync removes it.</summary>
    public void Removed(string name) => Changed($"{name} removed upstream");

    /// <param name="servedFile">The served manifest of the same name (it may not exist).</param>
    public void Channel(string channel, ChannelManifest upstream, byte[] upstreamBytes, string servedFile)
    {
        if (!File.Exists(servedFile))
        {
            _new++;
            return;
        }
        var bytes = File.ReadAllBytes(servedFile);
        if (bytes.AsSpan().SequenceEqual(upstreamBytes))
        {
            _current++;
            return;
        }
        ChannelManifest served;
        try
        {
            served = ChannelManifest.Parse(bytes);
        }
        catch (MirrorException)
        {
            Changed($"{channel}: the served manifest is unreadable");
            return;
        }
        var from = $"Rust {served.RustVersion ?? "?"} ({served.Date})";
        var to = $"Rust {upstream.RustVersion ?? "?"} ({upstream.Date})";
        // Manifest dates are YYYY-MM-DD: ordinal order is date order.
        if (string.CompareOrdinal(upstream.Date, served.Date) < 0) Behind($"{channel}: {from} served, the dist server has {to}");
        else Changed($"{channel}: {from} -> {to}");
    }

    public IndexFreshness Finish() =>
        new(unit, _current, _new, _changed, _behind, _behind > 0 ? _behindExamples : _changedExamples);

    private void Changed(string example)
    {
        _changed++;
        if (_changedExamples.Count < MaxExamples) _changedExamples.Add(example);
    }

    private void Behind(string example)
    {
        _behind++;
        if (_behindExamples.Count < MaxExamples) _behindExamples.Add(example);
    }

    private static SemVersion? Newest(IReadOnlyList<IndexLine> lines) =>
        lines.Select(l => SemVersion.TryParse(l.Entry.Vers, out var v) ? v : null).OfType<SemVersion>().Max();
}
