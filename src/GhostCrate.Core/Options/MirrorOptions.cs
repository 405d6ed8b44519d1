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

    /// <summary>
    /// The OpenPGP public key (the Rust release key) that channel manifests must be signed with when an administrator
    /// starts a toolchain sync from /admin/mirror; without it the server refuses to start one (fail closed).
    /// </summary>
    public string? ToolchainKeyFile { get; set; }

    /// <summary>Where bundles exported from /admin/mirror are written (and downloaded from); exports are off while empty.</summary>
    public string? ExportDirectory { get; set; }

    /// <summary>The OpenPGP secret key that signs exported bundles (bundles are always signed).</summary>
    public string? ExportKeyFile { get; set; }

    /// <summary>A file holding the passphrase of <see cref="ExportKeyFile"/>, when it has one.</summary>
    public string? ExportPassphraseFile { get; set; }

    /// <summary>
    /// Address ranges (CIDR) that server-run syncs may reach although they are loopback or private: an upstream or
    /// dist server inside the network (another GhostCrate, an internal cache). Everything else internal is refused at
    /// connect time, like webhooks, so a mirror.json or dist-server URL cannot reach a metadata service.
    /// </summary>
    public List<string> UpstreamAllowedCidrs { get; set; } = [];

    /// <summary>A server-run sync or export does not start with less free space than this on the mirror's disk.</summary>
    public long MinFreeBytes { get; set; } = 1L << 30;

    /// <summary>
    /// The largest component archive (`.tar.gz`) an administrator may upload for a custom toolchain; each is checked
    /// in memory, one at a time. The compiler's archive of a release is about 100 MB.
    /// </summary>
    public long CustomToolchainMaxArchiveBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>The largest upload of one custom toolchain (all its archives together).</summary>
    public long CustomToolchainMaxUploadBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    public bool Enabled => !string.IsNullOrWhiteSpace(Directory);

    /// <summary>Paths the registry itself answers; a mount below one of them would shadow it or be shadowed.</summary>
    private static readonly string[] Taken = ["/index/", "/api/", "/me/", "/health/", "/ready/", "/crates-io/"];

    public static IEnumerable<string> Validate(MirrorOptions options, ProxyOptions? proxy = null)
    {
        // Checked even without a directory: the server's job client parses them when it starts.
        foreach (var cidr in options.UpstreamAllowedCidrs ?? [])
        {
            if (!System.Net.IPNetwork.TryParse(cidr, out _)) yield return $"Mirror:UpstreamAllowedCidrs: '{cidr}' is not a CIDR range such as 10.20.0.0/16";
        }
        // Custom toolchains live in the blob store, not the mirror directory: checked with or without one.
        if (options.CustomToolchainMaxArchiveBytes <= 0 || options.CustomToolchainMaxUploadBytes < options.CustomToolchainMaxArchiveBytes)
            yield return "Mirror:CustomToolchainMaxArchiveBytes must be positive and not above Mirror:CustomToolchainMaxUploadBytes";
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
        foreach (var (key, file) in new[] { ("Mirror:ToolchainKeyFile", options.ToolchainKeyFile), ("Mirror:ExportKeyFile", options.ExportKeyFile), ("Mirror:ExportPassphraseFile", options.ExportPassphraseFile) })
        {
            if (!string.IsNullOrWhiteSpace(file) && !File.Exists(file)) yield return $"{key} '{file}' does not exist";
        }
        if (!string.IsNullOrWhiteSpace(options.ExportDirectory) && !Path.IsPathFullyQualified(options.ExportDirectory))
            yield return $"Mirror:ExportDirectory '{options.ExportDirectory}' must be an absolute path";
        if (!string.IsNullOrWhiteSpace(options.ExportDirectory) && string.IsNullOrWhiteSpace(options.ExportKeyFile))
            yield return "Mirror:ExportDirectory is set but Mirror:ExportKeyFile is not: bundles are always signed";
        if (options.MinFreeBytes < 0) yield return "Mirror:MinFreeBytes must not be negative";
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
