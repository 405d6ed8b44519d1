namespace GhostCrate.Web.Ui.Readme;

/// <summary>
/// Where a README's relative links and images point: files of the crate's repository, as crates.io does it for the
/// hosts whose URL layout is known (the README is rendered from the .crate file, which has no web address of its own).
/// </summary>
public sealed record RepositoryLinks(string BlobBase, string RawBase)
{
    /// <summary>The bases for a `repository` URL on GitHub or GitLab, or null for any other host.</summary>
    public static RepositoryLinks? From(string? repository)
    {
        if (string.IsNullOrWhiteSpace(repository) || !Uri.TryCreate(repository.Trim(), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme is not ("https" or "http")) return null;
        var path = uri.AbsolutePath.Trim('/');
        if (path.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) path = path[..^4];
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2) return null;
        var host = uri.Host.ToLowerInvariant();
        if (host is "github.com" or "www.github.com")
        {
            var repo = $"{parts[0]}/{parts[1]}";
            return new RepositoryLinks($"https://github.com/{repo}/blob/HEAD/", $"https://raw.githubusercontent.com/{repo}/HEAD/");
        }
        if (host is "gitlab.com")
        {
            // GitLab groups nest, so the whole path is the project.
            return new RepositoryLinks($"https://gitlab.com/{path}/-/blob/HEAD/", $"https://gitlab.com/{path}/-/raw/HEAD/");
        }
        return null;
    }
}
