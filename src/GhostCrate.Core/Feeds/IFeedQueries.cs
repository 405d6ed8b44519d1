namespace GhostCrate.Core.Feeds;

/// <summary>The newest rows each feed lists. Newest is by row id, which grows with time and needs no extra index.</summary>
public interface IFeedQueries
{
    /// <summary>The newest releases of any crate.</summary>
    Task<IReadOnlyList<FeedEntry>> RecentReleasesAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The newest crates, each with its first release.</summary>
    Task<IReadOnlyList<FeedEntry>> NewCratesAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The newest releases of one crate (by canonical name).</summary>
    Task<IReadOnlyList<FeedEntry>> CrateReleasesAsync(string canonicalName, int limit, CancellationToken cancellationToken);
}
