namespace GhostCrate.Core.Feeds;

/// <summary>Which feed: new crates, every release across the registry, or one crate's releases.</summary>
public enum FeedKind
{
    NewCrates,
    Updates,
    Crate,
}

/// <summary>One release in a feed (for the new-crates feed: the crate's first release).</summary>
public sealed record FeedEntry(string Crate, string Version, string? Description, DateTimeOffset PublishedAt, bool Yanked);

/// <summary>A feed's entries, newest first; <see cref="Crate"/> is set for one crate's feed.</summary>
public sealed record Feed(FeedKind Kind, string? Crate, IReadOnlyList<FeedEntry> Entries);
