using GhostCrate.Packaging;
using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Index;
using GhostCrate.Protocol.Versioning;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Proxy;

/// <summary>What to warm: crate names (`serde` = its newest release, `serde@1.0.200` = that version) and/or a Cargo.lock.</summary>
public sealed record WarmRequest(IReadOnlyList<string> Crates, string? CargoLock);

public enum WarmItemStatus
{
    /// <summary>Index file and .crate are now cached (fetched by this run).</summary>
    Fetched,
    /// <summary>The .crate was already cached; the index file was refreshed.</summary>
    AlreadyCached,
    NotFound,
    ChecksumMismatch,
    Failed,
}

public sealed record WarmItem(string Crate, string? Version, WarmItemStatus Status, string? Error);

public sealed record WarmReport(string Upstream, IReadOnlyList<WarmItem> Items)
{
    public bool Succeeded => Items.All(i => i.Status is WarmItemStatus.Fetched or WarmItemStatus.AlreadyCached);
}

/// <summary>
/// Fetches index files and .crate files ahead of time so a build machine can go offline afterwards. A Cargo.lock
/// gives the exact closure of a build; a bare crate name warms only that crate's newest non-yanked release (a
/// Cargo.lock is the way to warm a whole dependency tree).
/// </summary>
public sealed class ProxyWarmer(ProxyIndexService index, ProxyDownloadService downloads, ProxyWriteBehind writeBehind, ILogger<ProxyWarmer> logger)
{
    private const int Parallelism = 4;
    private const string CratesIoGitSource = "registry+https://github.com/rust-lang/crates.io-index";
    private const string CratesIoSparseSource = "sparse+https://index.crates.io/";

    /// <returns>The report, or an error message for a request that cannot be understood (nothing is fetched then).</returns>
    public async Task<(WarmReport? Report, string? Error)> WarmAsync(Upstream upstream, WarmRequest request, CancellationToken cancellationToken)
    {
        var wanted = new List<(string Name, string? Version)>();
        foreach (var spec in request.Crates)
        {
            var at = spec.IndexOf('@');
            var name = (at < 0 ? spec : spec[..at]).Trim();
            var version = at < 0 ? null : spec[(at + 1)..].Trim();
            // Only the characters matter here (upstream names predate some of today's publish rules).
            if (name.Length is 0 or > CrateName.MaxLength || !char.IsAsciiLetter(name[0]) || !name.All(CrateName.IsNameChar))
                return (null, $"`{spec}` is not a crate name (expected NAME or NAME@VERSION)");
            if (version is not null && !SemVersion.TryParse(version, out _))
                return (null, $"`{spec}` does not name a SemVer version (expected NAME or NAME@VERSION)");
            wanted.Add((name, version));
        }
        if (request.CargoLock is { } lockText)
        {
            var (packages, error) = CargoLock.Read(lockText);
            if (packages is null) return (null, error);
            wanted.AddRange(packages.Where(p => p.Source is { } s && BelongsTo(upstream, s)).Select(p => (p.Name, (string?)p.Version)));
        }
        wanted = wanted.Distinct().ToList();

        var items = new WarmItem?[wanted.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, wanted.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => items[i] = await WarmOneAsync(upstream, wanted[i].Name, wanted[i].Version, ct));
        // A warm-up reports its files as cached: they are in the store and the database, not only on their way there,
        // when it answers (a restart right after must not lose them).
        logger.LogDebug("Warm-up of {Upstream}: waiting until the {Pending} fetched files still on their way are stored", upstream.Name, writeBehind.Pending);
        await writeBehind.WhenIdleAsync().WaitAsync(cancellationToken);
        return (new WarmReport(upstream.Name, items.Select(i => i!).ToList()), null);
    }

    private async Task<WarmItem> WarmOneAsync(Upstream upstream, string name, string? version, CancellationToken cancellationToken)
    {
        // Warming is for going offline: always confirm the index file with the upstream, even if it is fresh.
        var file = await index.GetAsync(upstream, name, revalidate: true, cancellationToken);
        switch (file.Status)
        {
            case ProxyIndexStatus.NotFound:
                return new WarmItem(name, version, WarmItemStatus.NotFound, $"crate `{name}` does not exist in upstream `{upstream.Name}`");
            case ProxyIndexStatus.Unavailable:
                return new WarmItem(name, version, WarmItemStatus.Failed, file.Error);
        }
        if (file.Stale) return new WarmItem(name, version, WarmItemStatus.Failed, $"upstream `{upstream.Name}` is unavailable; only an old copy of the index file of `{name}` is cached");

        version ??= Newest(IndexLines.Parse(file.File!.Content));
        if (version is null) return new WarmItem(name, null, WarmItemStatus.NotFound, $"crate `{name}` has no release that is not yanked");

        var outcome = await downloads.EnsureStoredAsync(upstream, name, version, cancellationToken);
        return outcome.Status switch
        {
            ProxyDownloadStatus.Found => new WarmItem(name, version, outcome.AlreadyStored ? WarmItemStatus.AlreadyCached : WarmItemStatus.Fetched, null),
            ProxyDownloadStatus.NotFound => new WarmItem(name, version, WarmItemStatus.NotFound, outcome.Error),
            ProxyDownloadStatus.ChecksumMismatch => new WarmItem(name, version, WarmItemStatus.ChecksumMismatch, outcome.Error),
            _ => new WarmItem(name, version, WarmItemStatus.Failed, outcome.Error),
        };
    }

    /// <summary>The newest non-yanked release, preferring stable versions as cargo does for a plain requirement.</summary>
    private static string? Newest(IReadOnlyList<IndexEntry> entries)
    {
        var candidates = entries
            .Where(e => !e.Yanked)
            .Select(e => (Entry: e, Parsed: SemVersion.TryParse(e.Vers, out var v) ? v : null))
            .Where(e => e.Parsed is not null)
            .ToList();
        var pick = candidates.Where(c => !c.Parsed!.IsPrerelease).MaxBy(c => c.Parsed) is { Entry: not null } stable
            ? stable
            : candidates.MaxBy(c => c.Parsed);
        return pick.Entry?.Vers;
    }

    /// <summary>
    /// Cargo.lock names sources by their original registry, whatever the source replacement: crates.io packages
    /// belong to the `crates-io` mount; other upstreams match by index URL (or by their mount URL on this server).
    /// </summary>
    private static bool BelongsTo(Upstream upstream, string source)
    {
        if (source is CratesIoGitSource || source.TrimEnd('/') == CratesIoSparseSource.TrimEnd('/')) return upstream.Definition.IsCratesIo;
        var url = source.StartsWith("sparse+", StringComparison.Ordinal) ? source["sparse+".Length..]
            : source.StartsWith("registry+", StringComparison.Ordinal) ? source["registry+".Length..]
            : null;
        if (url is null) return false;
        return string.Equals(url.TrimEnd('/'), upstream.Definition.IndexUrl.AbsoluteUri.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            || url.TrimEnd('/').EndsWith($"/{upstream.Name}/index", StringComparison.Ordinal);
    }
}
