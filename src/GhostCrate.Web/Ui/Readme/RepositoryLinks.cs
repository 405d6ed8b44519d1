using GhostCrate.Core.Options;

namespace GhostCrate.Web.Ui.Readme;

/// <summary>
/// Where a README's relative links and images point: files of the crate's repository, as crates.io does it for the
/// hosts whose URL layout is known (the README is rendered from the .crate file, which has no web address of its own).
/// Each pattern holds `{path}`, the file's path inside the repository.
/// </summary>
public sealed record RepositoryLinks(string BlobPattern, string RawPattern)
{
    /// <summary>The public hosts every registry knows; `Ui:RepositoryHosts` adds self-hosted ones and may override these.</summary>
    public static readonly IReadOnlyList<RepositoryHostOptions> BuiltInHosts =
    [
        new() { Host = "github.com", Kind = RepositoryHostKind.GitHub },
        new() { Host = "gitlab.com", Kind = RepositoryHostKind.GitLab },
        new() { Host = "bitbucket.org", Kind = RepositoryHostKind.Bitbucket },
        new() { Host = "codeberg.org", Kind = RepositoryHostKind.Forgejo },
    ];

    /// <summary>A page showing the README-relative <paramref name="relative"/> (for links), or null when it climbs out of the repository.</summary>
    public string? Blob(string readmeDirectory, string relative) => Fill(BlobPattern, readmeDirectory, relative);

    /// <summary>The raw bytes of the README-relative <paramref name="relative"/> (for images), or null when it climbs out.</summary>
    public string? Raw(string readmeDirectory, string relative) => Fill(RawPattern, readmeDirectory, relative);

    private static string? Fill(string pattern, string readmeDirectory, string relative)
    {
        if (UrlPolicy.ResolvePath(readmeDirectory, relative) is not { } resolved) return null;
        // The path stays as the Markdown wrote it (Markdig has already percent-encoded what needs it).
        var url = pattern.Replace(RepositoryHostOptions.PathPlaceholder, resolved.Path, StringComparison.Ordinal);
        // A pattern with a query of its own (`?at=main`) keeps only the link's #fragment.
        var suffix = url.Contains('?', StringComparison.Ordinal) && resolved.Suffix.StartsWith('?') ? resolved.Suffix[(resolved.Suffix.IndexOf('#') is var hash and >= 0 ? hash : resolved.Suffix.Length)..] : resolved.Suffix;
        return url + suffix;
    }

    /// <summary>The patterns for a `repository` URL on a configured or built-in host, or null for any other host.</summary>
    public static RepositoryLinks? From(string? repository, IReadOnlyList<RepositoryHostOptions>? configured = null)
    {
        if (string.IsNullOrWhiteSpace(repository) || !Uri.TryCreate(repository.Trim(), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0) return null;
        var authority = WithoutWww(uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}");
        var host = (configured ?? []).Concat(BuiltInHosts).FirstOrDefault(h => string.Equals(WithoutWww(h.Host), authority, StringComparison.OrdinalIgnoreCase));
        if (host is null) return null;

        var path = uri.AbsolutePath.Trim('/');
        if (path.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) path = path[..^4];
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2) return null;
        var origin = $"{uri.Scheme}://{uri.Authority}";
        // GitHub, Gitea, Forgejo and Bitbucket repositories are owner/name (a longer path is a page inside one, such as
        // /tree/main/crates/x); GitLab groups nest, so there the whole path is the project.
        var ownerRepo = $"{origin}/{parts[0]}/{parts[1]}";
        var p = RepositoryHostOptions.PathPlaceholder;
        return host.Kind switch
        {
            RepositoryHostKind.GitHub when authority.Equals("github.com", StringComparison.OrdinalIgnoreCase) =>
                new($"https://github.com/{parts[0]}/{parts[1]}/blob/{host.Branch ?? "HEAD"}/{p}", $"https://raw.githubusercontent.com/{parts[0]}/{parts[1]}/{host.Branch ?? "HEAD"}/{p}"),
            // GitHub Enterprise Server serves raw files under the repository itself.
            RepositoryHostKind.GitHub => new($"{ownerRepo}/blob/{host.Branch ?? "HEAD"}/{p}", $"{ownerRepo}/raw/{host.Branch ?? "HEAD"}/{p}"),
            RepositoryHostKind.GitLab => new($"{origin}/{path}/-/blob/{host.Branch ?? "HEAD"}/{p}", $"{origin}/{path}/-/raw/{host.Branch ?? "HEAD"}/{p}"),
            // Gitea and Forgejo address files by branch name only: https://docs.gitea.com/usage/ (src/branch/NAME, raw/branch/NAME).
            RepositoryHostKind.Gitea or RepositoryHostKind.Forgejo =>
                new($"{ownerRepo}/src/branch/{host.Branch ?? "main"}/{p}", $"{ownerRepo}/raw/branch/{host.Branch ?? "main"}/{p}"),
            RepositoryHostKind.Bitbucket => new($"{ownerRepo}/src/{host.Branch ?? "HEAD"}/{p}", $"{ownerRepo}/raw/{host.Branch ?? "HEAD"}/{p}"),
            RepositoryHostKind.Custom => new(Custom(host.BlobPattern!, $"{origin}/{path}", host.Branch), Custom(host.RawPattern!, $"{origin}/{path}", host.Branch)),
            _ => null,
        };
    }

    private static string WithoutWww(string host) => host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? host[4..] : host;

    private static string Custom(string pattern, string repository, string? branch) =>
        pattern.Replace("{repository}", repository, StringComparison.Ordinal).Replace("{branch}", branch ?? "HEAD", StringComparison.Ordinal);
}
