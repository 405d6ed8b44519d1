using GhostCrate.Core.Advisories;
using GhostCrate.Protocol.Crates;

namespace GhostCrate.Core.Tests.Advisories;

/// <summary>An in-memory advisory store for unit tests of services that only need the hook; the real one is tested on both databases.</summary>
public sealed class MemoryAdvisoryRepository : IAdvisoryRepository
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredAdvisory> _advisories = new(StringComparer.Ordinal);
    private readonly List<AffectedVersion> _affected = [];

    public List<KnownVersion> Known { get; } = [];
    public int Recomputes { get; private set; }

    public Task<(int Added, int Updated, int Removed, int Unchanged)> ReplaceAllAsync(IReadOnlyList<StoredAdvisory> advisories, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var removed = _advisories.Keys.Except(advisories.Select(a => a.Advisory.Id)).ToList();
            foreach (var id in removed) _advisories.Remove(id);
            int added = 0, updated = 0, unchanged = 0;
            foreach (var a in advisories)
            {
                if (!_advisories.TryGetValue(a.Advisory.Id, out var old)) added++;
                else if (old.Sha256 == a.Sha256) unchanged++;
                else updated++;
                _advisories[a.Advisory.Id] = a;
            }
            return Task.FromResult((added, updated, removed.Count, unchanged));
        }
    }

    public Task<IReadOnlyList<string>> TextsAsync(IReadOnlyCollection<string>? canonicalNames, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<string>>([.. _advisories.Values
                .Where(a => canonicalNames is null || canonicalNames.Contains(CrateName.Canonicalize(a.Advisory.Package)))
                .Select(a => a.Text)]);
    }

    public Task<string?> TextAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_advisories.TryGetValue(id, out var a) ? a.Text : null);
    }

    public Task<IReadOnlyList<string>> PackagesWithAdvisoriesAsync(IReadOnlyCollection<string> canonicalNames, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<string>>([.. _advisories.Values.Select(a => CrateName.Canonicalize(a.Advisory.Package)).Distinct().Where(canonicalNames.Contains)]);
    }

    public Task<IReadOnlyList<KnownVersion>> KnownVersionsAsync(IReadOnlyCollection<string> canonicalNames, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<KnownVersion>>([.. Known.Where(k => canonicalNames.Contains(CrateName.Canonicalize(k.CrateName)))]);
    }

    public Task<int> ReplaceAffectedAsync(IReadOnlyCollection<string> canonicalNames, IReadOnlyList<AffectedVersion> affected,
        IReadOnlyDictionary<string, Advisory> advisories, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Recomputes++;
            _affected.RemoveAll(a => canonicalNames.Contains(a.CrateName));
            _affected.AddRange(affected);
        }
        return Task.FromResult(0);
    }

    public Task<IReadOnlyList<AffectedVersion>> AllAffectedAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<AffectedVersion>>([.. _affected]);
    }

    public Task<IReadOnlyList<AffectedVersion>> AffectedAsync(string canonicalName, string? version, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<AffectedVersion>>([.. _affected.Where(a => a.CrateName == canonicalName && (version is null || a.Version == version))]);
    }
}
