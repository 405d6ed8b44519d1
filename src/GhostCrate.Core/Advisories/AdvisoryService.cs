using System.Security.Cryptography;
using System.Text;
using GhostCrate.Protocol.Crates;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// Imports the RustSec database and keeps the affected-version findings current for every version the registry
/// holds: private, cached proxied, and served by the offline mirror (<see cref="Licenses.IMirroredCrateFiles"/>).
/// Findings are derived data: recomputed from the stored advisories and versions, never patched by hand.
/// </summary>
public sealed class AdvisoryService(IAdvisoryRepository repository, Licenses.IMirroredCrateFiles mirror, TimeProvider time, ILogger<AdvisoryService> logger)
{
    private readonly ParsedAdvisoryCache parsedTexts = new();

    /// <summary>
    /// Replaces the stored advisories with <paramref name="files"/>. Any unreadable file rejects the whole import
    /// (nothing is changed): a half-imported database would silently hide advisories. An import with no advisory at
    /// all is refused too, so a wrong directory cannot erase the stored set.
    /// </summary>
    public async Task<AdvisorySyncReport> SyncAsync(IReadOnlyList<AdvisoryFile> files, AdvisoryLimits limits, CancellationToken cancellationToken)
    {
        var rejected = new List<string>();
        var byId = new Dictionary<string, StoredAdvisory>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var result = AdvisoryParser.Parse(file.Text, limits);
            if (!result.IsSuccess) { rejected.Add($"{file.Path}: {result.Error}"); continue; }
            var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(file.Text)));
            if (!byId.TryAdd(result.Advisory!.Id, new StoredAdvisory(result.Advisory, file.Text, sha)))
                rejected.Add($"{file.Path}: advisory id {result.Advisory.Id} appears twice");
        }
        if (rejected.Count == 0 && byId.Count == 0) rejected.Add("no RUSTSEC-*.md advisory files were found");
        if (rejected.Count > 0) return new AdvisorySyncReport(0, 0, 0, 0, 0, rejected);

        // Packages that had advisories before must be recomputed too: their findings may have to disappear.
        var packages = await StoredPackagesAsync(cancellationToken);
        packages.UnionWith(byId.Values.Select(a => CrateName.Canonicalize(a.Advisory.Package)));

        var (added, updated, removed, unchanged) = await repository.ReplaceAllAsync([.. byId.Values.OrderBy(a => a.Advisory.Id, StringComparer.Ordinal)], time.GetUtcNow(), cancellationToken);
        var affected = await RecomputeAsync(packages, cancellationToken);
        logger.LogInformation("Advisory sync: {Added} added, {Updated} updated, {Removed} removed, {Unchanged} unchanged; {Affected} affected versions",
            added, updated, removed, unchanged, affected);
        return new AdvisorySyncReport(added, updated, removed, unchanged, affected, []);
    }

    /// <summary>Recomputes the findings of the named crates from the stored advisories; returns how many versions are affected.</summary>
    public async Task<int> RecomputeAsync(IReadOnlyCollection<string> crateNames, CancellationToken cancellationToken)
    {
        var names = crateNames.Select(CrateName.Canonicalize).Distinct(StringComparer.Ordinal).ToList();
        var total = 0;
        // Chunks keep each statement's parameter list small (SQLite allows 32766 parameters, PostgreSQL arrays any size).
        foreach (var chunk in names.Chunk(500))
        {
            var advisories = await LoadAsync(chunk, cancellationToken);
            var mirrored = mirror.Versions(chunk).Select(f => new KnownVersion(VersionSources.Mirror, CrateName.Canonicalize(f.CrateName), f.Version));
            List<KnownVersion> known = [.. await repository.KnownVersionsAsync(chunk, cancellationToken), .. mirrored];
            var rows = AdvisoryMatcher.Affected(advisories, known);
            var byId = advisories.ToDictionary(a => a.Id, StringComparer.Ordinal);
            var announced = await repository.ReplaceAffectedAsync(chunk, rows, byId, time.GetUtcNow(), cancellationToken);
            if (announced > 0) logger.LogInformation("Advisories: {Count} new affected versions announced (advisory.matched)", announced);
            total += rows.Count;
        }
        return total;
    }

    /// <summary>
    /// Recomputes the findings of every crate that has an advisory: after the offline mirror changed (a server-run
    /// sync), whose versions are files, not rows that a publish or a proxy fetch would announce one by one.
    /// </summary>
    public async Task<int> RecomputeAllAsync(CancellationToken cancellationToken)
    {
        return await RecomputeAsync(await StoredPackagesAsync(cancellationToken), cancellationToken);
    }

    /// <summary>The crates (canonical names) the stored advisories are about.</summary>
    private async Task<HashSet<string>> StoredPackagesAsync(CancellationToken cancellationToken) =>
        (await repository.TextsAsync(null, cancellationToken)).Select(t => parsedTexts.Parse(t).Advisory).OfType<Advisory>()
            .Select(a => CrateName.Canonicalize(a.Package)).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Called after a version was published or fetched through the proxy: recomputes that crate's findings when it has
    /// advisories (one indexed lookup otherwise). Failures are logged, never fail the publish or download.
    /// </summary>
    public async Task OnVersionStoredAsync(string crateName, CancellationToken cancellationToken)
    {
        try
        {
            var canonical = CrateName.Canonicalize(crateName);
            if ((await repository.PackagesWithAdvisoriesAsync([canonical], cancellationToken)).Count == 0) return;
            await RecomputeAsync([canonical], cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not recompute the advisories of {Crate}; the next sync will", crateName);
        }
    }

    /// <summary>Every stored advisory of the crate, withdrawn ones included (they are shown as such), newest first.</summary>
    public async Task<IReadOnlyList<Advisory>> ForCrateAsync(string crateName, CancellationToken cancellationToken) =>
        [.. (await LoadAsync([CrateName.Canonicalize(crateName)], cancellationToken)).OrderByDescending(a => a.Date).ThenBy(a => a.Id, StringComparer.Ordinal)];

    /// <summary>Every stored advisory of the named crates (canonical names), withdrawn ones included, in no order.</summary>
    public async Task<IReadOnlyList<Advisory>> ForCratesAsync(IReadOnlyCollection<string> canonicalNames, CancellationToken cancellationToken)
    {
        var list = new List<Advisory>();
        // Chunks as in RecomputeAsync: each statement's parameter list stays small.
        foreach (var chunk in canonicalNames.Chunk(500)) list.AddRange(await LoadAsync(chunk, cancellationToken));
        return list;
    }

    /// <summary>Advisories that affect one version (withdrawn ones never do).</summary>
    public async Task<IReadOnlyList<Advisory>> ForVersionAsync(string crateName, string version, CancellationToken cancellationToken) =>
        [.. AdvisoryMatcher.Matching(await ForCrateAsync(crateName, cancellationToken), crateName, version)];

    public async Task<Advisory?> FindAsync(string id, CancellationToken cancellationToken) =>
        await repository.TextAsync(id, cancellationToken) is { } text ? parsedTexts.Parse(text).Advisory : null;

    /// <summary>Findings for the packages of a lock file: every advisory affecting a locked registry package.</summary>
    public async Task<IReadOnlyList<AuditFinding>> AuditAsync(IReadOnlyList<GhostCrate.Packaging.LockedPackage> packages, CancellationToken cancellationToken)
    {
        var registry = packages.Where(p => p.FromRegistry).ToList();
        var advisories = await LoadAsync([.. registry.Select(p => CrateName.Canonicalize(p.Name)).Distinct(StringComparer.Ordinal)], cancellationToken);
        var findings = new List<AuditFinding>();
        foreach (var p in registry)
            foreach (var a in AdvisoryMatcher.Matching(advisories, p.Name, p.Version))
                findings.Add(new AuditFinding(p.Name, p.Version, a));
        return [.. findings.OrderBy(f => f.Advisory.IsWarning).ThenBy(f => f.Crate, StringComparer.Ordinal).ThenBy(f => f.Advisory.Id, StringComparer.Ordinal)];
    }

    private async Task<IReadOnlyList<Advisory>> LoadAsync(IReadOnlyCollection<string> canonicalNames, CancellationToken cancellationToken)
    {
        if (canonicalNames.Count == 0) return [];
        var texts = await repository.TextsAsync(canonicalNames, cancellationToken);
        var list = new List<Advisory>(texts.Count);
        foreach (var text in texts)
        {
            // Stored texts passed the parser at import; one that no longer parses is a bug to see, not a crash.
            var parsed = parsedTexts.Parse(text);
            if (parsed.Advisory is { } a) list.Add(a);
            else logger.LogError("A stored advisory no longer parses: {Error}", parsed.Error);
        }
        return list;
    }
}

/// <summary>One advisory that affects one locked package.</summary>
public sealed record AuditFinding(string Crate, string Version, Advisory Advisory);
