namespace GhostCrate.Core.Options;

/// <summary>
/// Serving an offline mirror directory (made by `ghostcrate mirror sync` or `mirror import`) as a crates.io
/// replacement: its sparse index at {MountPath}index/ and its files at {MountPath}crates/. Off while Directory is empty.
/// </summary>
public sealed class MirrorOptions
{
    public const string Section = "Mirror";

    /// <summary>The mirror directory (the one holding mirror.json, index/ and crates/).</summary>
    public string? Directory { get; set; }

    /// <summary>Where the mirror is mounted; must not overlap the registry's own routes or the proxy's.</summary>
    public string MountPath { get; set; } = "/mirror/";

    /// <summary>
    /// Where the directory's rustup toolchains (`ghostcrate toolchain sync`) are served: RUSTUP_DIST_SERVER is this
    /// base, RUSTUP_UPDATE_ROOT is this base + `rustup`.
    /// </summary>
    public string ToolchainMountPath { get; set; } = "/rustup/";

    /// <summary>
    /// rustup sends no credentials (rustup's download code has no auth), so toolchain files are readable without a
    /// token even when Registry:AuthRequired is on; protect them at the network edge, or set this to require a token
    /// (then only clients that can send one, such as a proxy in front, can read them).
    /// </summary>
    public bool ToolchainsRequireToken { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Directory);

    /// <summary>Paths the registry itself answers; a mount below one of them would shadow it or be shadowed.</summary>
    private static readonly string[] Taken = ["/index/", "/api/", "/me/", "/health/", "/ready/", "/crates-io/"];

    public static IEnumerable<string> Validate(MirrorOptions options, ProxyOptions? proxy = null)
    {
        if (!options.Enabled) yield break;
        if (!System.IO.Directory.Exists(options.Directory))
        {
            yield return $"Mirror:Directory '{options.Directory}' does not exist";
        }
        // current/index: the served generation; index/: the link to it, or the folder of a mirror made before generations.
        else if (!System.IO.Directory.Exists(Path.Combine(options.Directory!, "current", "index")) && !System.IO.Directory.Exists(Path.Combine(options.Directory!, "index")))
        {
            yield return $"Mirror:Directory '{options.Directory}' is not a mirror directory (it has neither current/index nor index/; run `ghostcrate mirror sync` or `mirror import` first)";
        }
        foreach (var error in ValidateMount("Mirror:MountPath", options.MountPath ?? "", proxy)) yield return error;
        foreach (var error in ValidateMount("Mirror:ToolchainMountPath", options.ToolchainMountPath ?? "", proxy)) yield return error;
        var crates = "/" + (options.MountPath ?? "").Trim('/') + "/";
        var toolchains = "/" + (options.ToolchainMountPath ?? "").Trim('/') + "/";
        if (crates.StartsWith(toolchains, StringComparison.OrdinalIgnoreCase) || toolchains.StartsWith(crates, StringComparison.OrdinalIgnoreCase))
            yield return $"Mirror:ToolchainMountPath '{options.ToolchainMountPath}' overlaps Mirror:MountPath '{options.MountPath}'; choose another, e.g. /rustup/";
    }

    private static IEnumerable<string> ValidateMount(string key, string mount, ProxyOptions? proxy)
    {
        if (mount.Length < 3 || !mount.StartsWith('/') || !mount.EndsWith('/') || mount.Contains("//", StringComparison.Ordinal)
            || !mount.Trim('/').All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
        {
            yield return $"{key} must look like /mirror/ (a path with leading and trailing '/'), got '{mount}'";
        }
        else if (Taken.Any(t => mount.StartsWith(t, StringComparison.OrdinalIgnoreCase) || t.StartsWith(mount, StringComparison.OrdinalIgnoreCase)))
        {
            yield return $"{key} '{mount}' overlaps a route GhostCrate already serves ({string.Join(", ", Taken)}); choose another, e.g. /mirror/";
        }
        else if (proxy?.EffectiveUpstreams().FirstOrDefault(u => string.Equals(u.Key, mount.Trim('/').Split('/')[0], StringComparison.OrdinalIgnoreCase)) is { Key: { } taken })
        {
            yield return $"{key} '{mount}' collides with the proxy mount /{taken}/ (Proxy:Upstreams); choose another path";
        }
    }
}
