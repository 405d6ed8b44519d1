using GhostCrate.Core.Catalog;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Protocol.Crates;

namespace GhostCrate.Core.Feeds;

/// <summary>
/// The registry's Atom feeds, as crates.io offers them (new crates, updates, one crate's versions): each lists the
/// newest <see cref="Size"/> entries the viewer may see. In auth-required mode restricted crates appear only to
/// those with a grant (<see cref="CrateVisibility"/>, <see cref="CrateAccess"/>), as in search.
/// </summary>
public sealed class FeedService(IFeedQueries queries, CrateVisibility visibility, CrateAccess access, ICrateRepository crates, IUserRepository users, IFeedTokens tokens)
{
    public const int Size = 50;

    // Hidden crates are filtered after the query; asking for that many more keeps a full page, up to a bound.
    private const int MaxQuery = 1000;

    public async Task<Feed> RegistryAsync(FeedKind kind, Principal? viewer, CancellationToken cancellationToken)
    {
        var hidden = await visibility.HiddenAsync(viewer, cancellationToken);
        var limit = Math.Min(MaxQuery, Size + hidden.Count);
        var rows = kind switch
        {
            FeedKind.NewCrates => await queries.NewCratesAsync(limit, cancellationToken),
            FeedKind.Updates => await queries.RecentReleasesAsync(limit, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "one crate's feed is CrateAsync"),
        };
        return new Feed(kind, null, [.. rows.Where(r => !CrateVisibility.IsHidden(hidden, r.Crate)).Take(Size)]);
    }

    /// <summary>Null when the crate does not exist or the viewer may not see it (the same answer, so names do not leak).</summary>
    public async Task<Feed?> CrateAsync(string name, Principal? viewer, CancellationToken cancellationToken)
    {
        if (name.Length is 0 or > 64 || !name.All(CrateName.IsNameChar)) return null;
        var crate = await crates.FindAsync(CrateName.Canonicalize(name), cancellationToken);
        if (crate is null || !await access.CanReadAsync(crate, viewer, cancellationToken)) return null;
        return new Feed(FeedKind.Crate, crate.Name, await queries.CrateReleasesAsync(CrateName.Canonicalize(name), Size, cancellationToken));
    }

    /// <summary>The token for the viewer's feed URLs.</summary>
    public string TokenFor(UserRecord user) => tokens.Create(user.Id, user.SessionVersion);

    /// <summary>The reader a feed token stands for: null when it is forged, retired, or its user is disabled.</summary>
    public async Task<Principal?> ReaderAsync(string token, CancellationToken cancellationToken)
    {
        if (tokens.Read(token) is not { } read) return null;
        var (userId, sessionVersion) = read;
        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null || user.IsDisabled || user.SessionVersion != sessionVersion) return null;
        // Read-only and without scopes: enough to decide visibility, nothing else.
        return new Principal(user.Id, user.Username, user.IsAdmin, null, TokenScopes.Unrestricted, IsReadOnly: true);
    }
}
