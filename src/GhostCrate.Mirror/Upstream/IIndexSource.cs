using GhostCrate.Mirror.Selection;

namespace GhostCrate.Mirror.Upstream;

/// <summary>An upstream index the sync reads from: a git index (cloned with the git CLI) or a sparse index over HTTP.</summary>
public interface IIndexSource : IAsyncDisposable
{
    /// <summary>Brings the local view up to date and returns the upstream's `dl` template from its config.json.</summary>
    Task<string> PrepareAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The index files to look at this run, one at a time (never the whole index in memory): everything that changed
    /// since the last complete run, or every pinned crate.
    /// </summary>
    IAsyncEnumerable<UpstreamIndexFile> ReadAsync(ResolvedSelection selection, CancellationToken cancellationToken);

    /// <summary>
    /// The index files of exactly these crates (lowercase names), one result per name, in any order; a crate the
    /// upstream lacks comes back with no content and an error. Used to resolve a dependency closure round by round.
    /// </summary>
    IAsyncEnumerable<UpstreamIndexFile> ReadNamesAsync(IReadOnlyList<string> names, CancellationToken cancellationToken);

    /// <summary>Records that everything read this run is now served, so the next run can start from here.</summary>
    Task CommitAsync(ResolvedSelection selection, CancellationToken cancellationToken);
}
