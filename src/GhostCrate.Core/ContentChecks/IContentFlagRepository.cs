using GhostCrate.Packaging.Content;

namespace GhostCrate.Core.ContentChecks;

/// <summary>
/// The content flags of stored versions, per source (<see cref="ContentFlagSources"/>). Private versions get theirs in
/// the publish transaction (<see cref="Crates.NewCrateVersion.ContentFlags"/>); proxied ones when the proxy caches them.
/// </summary>
public interface IContentFlagRepository
{
    /// <summary>The flags of one version (canonical crate name), in the order they were found; empty when none or unknown.</summary>
    Task<IReadOnlyList<ContentFlag>> ForVersionAsync(string source, string canonicalName, string version, CancellationToken cancellationToken);

    /// <summary>The flag kinds of every version of a crate that has any, by version.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> KindsByVersionAsync(string source, string canonicalName, CancellationToken cancellationToken);

    /// <summary>Replaces the flags of one version (idempotent: a second fetch of the same file stores the same list).</summary>
    Task ReplaceAsync(string source, string canonicalName, string version, IReadOnlyList<ContentFlag> flags, CancellationToken cancellationToken);
}
