using GhostCrate.Core.Abstractions;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Deletion;

/// <summary>
/// When owners may delete (administrators always may): crates.io's rules from RFC 3660
/// (https://rust-lang.github.io/rfcs/3660-crates-io-crate-deletions.html) as its src/controllers/krate/delete.rs
/// applies them: within 72 hours of publishing, or with a single owner and fewer than 1000 downloads per month of
/// age; and never while another crate of the registry depends on it, because a deletion changes what existing
/// manifests resolve to. For one version the same rules apply to that version: its age, its downloads, and only the
/// dependents whose requirement it satisfies.
/// </summary>
public static class DeletionRules
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromHours(72);
    public const long DownloadsPerMonthLimit = 1000;

    /// <returns>Null when an owner may delete it, else the reason (422, crates.io's wording).</returns>
    public static RegistryError? Check(DeletionFacts facts, string? version, DateTimeOffset now)
    {
        var what = version is null ? "crates" : "versions";
        var createdAt = facts.CreatedAt;
        var downloads = facts.Downloads;
        IEnumerable<ReverseDependency> blocking = facts.Dependents;
        if (version is not null)
        {
            var row = facts.Versions.First(v => v.Version == version);
            createdAt = row.CreatedAt;
            downloads = row.Downloads;
            var parsed = SemVersion.Parse(version);
            blocking = facts.Dependents.Where(d => !VersionReq.TryParse(d.Req, out var req) || req.Matches(parsed));
        }
        var age = now - createdAt;
        if (age > GracePeriod)
        {
            if (facts.OwnerCount > 1)
                return RegistryError.Unprocessable($"only {what} with a single owner can be deleted after 72 hours; ask an administrator");
            if (downloads > MaxDownloads(age))
                return RegistryError.Unprocessable($"only {what} with less than {DownloadsPerMonthLimit} downloads per month can be deleted after 72 hours; ask an administrator");
        }
        if (blocking.FirstOrDefault() is { } dependent)
            return RegistryError.Unprocessable($"only {what} without reverse dependencies can be deleted ({dependent.Crate}@{dependent.Version} depends on `{facts.Name} = \"{dependent.Req}\"`); ask an administrator");
        return null;
    }

    /// <summary>The limit for an age: per started 30-day month, as crates.io counts.</summary>
    public static long MaxDownloads(TimeSpan age) => DownloadsPerMonthLimit * Math.Max(1, (long)Math.Ceiling(age.TotalDays / 30));
}
