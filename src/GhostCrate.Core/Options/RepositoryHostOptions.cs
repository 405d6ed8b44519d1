using System.Text.RegularExpressions;

namespace GhostCrate.Core.Options;

/// <summary>How a git host lays out the web address of one file, for a README's relative links and images.</summary>
public enum RepositoryHostKind
{
    GitHub,
    GitLab,
    Gitea,
    Forgejo,
    Bitbucket,
    /// <summary>Explicit <see cref="RepositoryHostOptions.BlobPattern"/> and <see cref="RepositoryHostOptions.RawPattern"/>.</summary>
    Custom,
}

/// <summary>
/// One entry of `Ui:RepositoryHosts`: a crate whose `repository` URL is on <see cref="Host"/> gets its README's relative
/// links and images resolved the way that host serves files. A private registry's crates usually live on a self-hosted
/// GitLab, Gitea or GitHub Enterprise that no built-in rule knows.
/// </summary>
public sealed partial class RepositoryHostOptions
{
    /// <summary>The host, with its port when it is not the default (`git.acme.internal`, `git.acme.internal:3000`).</summary>
    public string Host { get; set; } = "";

    public RepositoryHostKind Kind { get; set; } = RepositoryHostKind.GitLab;

    /// <summary>The branch files are read from; default `HEAD` (the default branch) where the host accepts it, `main` on Gitea and Forgejo, which need a branch name.</summary>
    public string? Branch { get; set; }

    /// <summary>Custom only: the page showing a file, with `{repository}` (the crate's repository URL), `{branch}` and `{path}`.</summary>
    public string? BlobPattern { get; set; }

    /// <summary>Custom only: the file's raw bytes (for images), with the same placeholders.</summary>
    public string? RawPattern { get; set; }

    public const string PathPlaceholder = "{path}";

    public static IEnumerable<string> Validate(IReadOnlyList<RepositoryHostOptions> hosts, string section)
    {
        for (var i = 0; i < hosts.Count; i++)
        {
            var host = hosts[i];
            var name = $"{section}:{i}";
            if (!HostPattern().IsMatch(host.Host ?? ""))
                yield return $"{name}:Host must be a host name with an optional port, such as git.acme.internal or git.acme.internal:3000 (got '{host.Host}')";
            if (!Enum.IsDefined(host.Kind))
                yield return $"{name}:Kind must be one of {string.Join(", ", Enum.GetNames<RepositoryHostKind>())}";
            if (host.Branch is { } branch && !BranchPattern().IsMatch(branch))
                yield return $"{name}:Branch must be a git branch name of letters, digits, '.', '_', '-' and '/' (got '{branch}')";
            if (host.Kind == RepositoryHostKind.Custom)
            {
                foreach (var (key, pattern) in new[] { ("BlobPattern", host.BlobPattern), ("RawPattern", host.RawPattern) })
                {
                    if (pattern is null || !pattern.Contains(PathPlaceholder, StringComparison.Ordinal)
                        || !(pattern.StartsWith("{repository}", StringComparison.Ordinal) || pattern.StartsWith("https://", StringComparison.Ordinal) || pattern.StartsWith("http://", StringComparison.Ordinal)))
                        yield return $"{name}:{key} must start with {{repository}} or http(s):// and contain {PathPlaceholder} (Kind Custom; got '{pattern}')";
                }
            }
            else if (host.BlobPattern is not null || host.RawPattern is not null)
            {
                yield return $"{name}: BlobPattern and RawPattern are for Kind Custom only (this entry is {host.Kind})";
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})(:[0-9]{1,5})?$")]
    private static partial Regex HostPattern();

    [GeneratedRegex("^[A-Za-z0-9._][A-Za-z0-9._/-]{0,99}$")]
    private static partial Regex BranchPattern();
}
