namespace GhostCrate.Core.Advisories;

/// <summary>An advisory with the exact file text it was read from (stored so that one parser is the only reader).</summary>
public sealed record StoredAdvisory(Advisory Advisory, string Text, string Sha256);

/// <summary>
/// Where a version lives: <see cref="Private"/> for published crates, `proxy:&lt;upstream&gt;` for cached proxied
/// crates, <see cref="Mirror"/> for the offline mirror.
/// </summary>
public static class VersionSources
{
    public const string Private = "private";
    public const string Mirror = "mirror";
    public static string Proxy(string upstream) => "proxy:" + upstream;
}

/// <summary>A crate version the registry holds, in one of its <see cref="VersionSources"/>.</summary>
public sealed record KnownVersion(string Source, string CrateName, string Version);

/// <summary>A stored finding: <paramref name="AdvisoryId"/> affects this version of this crate in this source.</summary>
public sealed record AffectedVersion(string AdvisoryId, string Source, string CrateName, string Version);

/// <summary>What one sync changed. Unchanged advisories are not rewritten, so a repeated sync changes nothing.</summary>
public sealed record AdvisorySyncReport(int Added, int Updated, int Removed, int Unchanged, int AffectedVersions, IReadOnlyList<string> Rejected);
