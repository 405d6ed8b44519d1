using System.Collections.Concurrent;
using GhostCrate.Core.ContentChecks;
using GhostCrate.Packaging.Content;

namespace GhostCrate.Core.Tests.ContentChecks;

/// <summary>An in-memory <see cref="IContentFlagRepository"/> for unit tests (the SQL one is tested on both databases in Data.Tests).</summary>
internal sealed class MemoryContentFlagRepository : IContentFlagRepository
{
    public ConcurrentDictionary<(string Source, string Crate, string Version), IReadOnlyList<ContentFlag>> Rows { get; } = new();

    public Task<IReadOnlyList<ContentFlag>> ForVersionAsync(string source, string canonicalName, string version, CancellationToken cancellationToken) =>
        Task.FromResult(Rows.TryGetValue((source, canonicalName, version), out var flags) ? flags : (IReadOnlyList<ContentFlag>)[]);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> KindsByVersionAsync(string source, string canonicalName, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(Rows
            .Where(r => r.Key.Source == source && r.Key.Crate == canonicalName && r.Value.Count > 0)
            .ToDictionary(r => r.Key.Version, r => (IReadOnlyList<string>)[.. r.Value.Select(f => f.Kind).Distinct().Order(StringComparer.Ordinal)]));

    public Task ReplaceAsync(string source, string canonicalName, string version, IReadOnlyList<ContentFlag> flags, CancellationToken cancellationToken)
    {
        Rows[(source, canonicalName, version)] = flags;
        return Task.CompletedTask;
    }
}
