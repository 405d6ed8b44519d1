using System.Text.RegularExpressions;

namespace GhostCrate.Mirror.Toolchains;

/// <summary>
/// Paths of a Rust dist server, as rustup asks for them (rustup `src/dist/mod.rs`): `dist/channel-rust-{channel}.toml`,
/// `dist/{date}/channel-rust-{channel}.toml` and the archives at `dist/{date}/{file}`. Manifests name archives by
/// absolute URL; rustup swaps the official prefix for RUSTUP_DIST_SERVER (rustup `DownloadCfg::url`), so a mirror keeps
/// the path after that prefix, and only that prefix can be mirrored.
/// </summary>
public static partial class DistPaths
{
    public const string OfficialServer = "https://static.rust-lang.org";

    /// <summary>Where toolchain files live inside a mirror directory (archives) and inside a generation (manifests).</summary>
    public const string Folder = "toolchains";

    /// <summary>`stable`, `beta`, `nightly`, `1.95`, `1.95.0`, optionally dated (`nightly-2026-04-16`).</summary>
    public static bool TryParseChannel(string text, out ChannelName channel)
    {
        var match = ChannelPattern().Match(text);
        channel = match.Success ? new ChannelName(match.Groups["name"].Value, match.Groups["date"].Success ? match.Groups["date"].Value : null) : default;
        return match.Success;
    }

    /// <summary>`dist/2026-04-16/cargo-1.95.0-x86_64-unknown-linux-gnu.tar.xz` from an official URL.</summary>
    /// <exception cref="MirrorException">Another host, or a path that could leave the mirror.</exception>
    public static string RelativeFromUrl(string url)
    {
        if (!url.StartsWith(OfficialServer + "/", StringComparison.Ordinal))
            throw new MirrorException($"`{url}` is not below {OfficialServer}/: rustup rewrites only that prefix, so it cannot be mirrored");
        var relative = url[(OfficialServer.Length + 1)..];
        CheckRelative(relative);
        return relative;
    }

    /// <summary>Slash-separated segments of letters, digits, `.`, `_`, `-`, `+`; no empty, `.` or `..` segment.</summary>
    public static void CheckRelative(string relative)
    {
        if (!IsSafeRelative(relative)) throw new MirrorException($"`{relative}` is not a path this mirror can hold");
    }

    public static bool IsSafeRelative(string relative) =>
        relative.Length is > 0 and <= 512 && relative.Split('/').All(s => s.Length > 0 && s != "." && s != ".." && SafeSegment().IsMatch(s));

    /// <summary>Package names and target triples: used in file names, so the same characters only.</summary>
    public static void CheckName(string name, string where)
    {
        if (name.Length is 0 or > 128 || !SafeSegment().IsMatch(name) || name is "." or "..")
            throw new MirrorException($"the channel manifest is not usable: `{where}` is not a safe name");
    }

    public static string ManifestName(string channel) => $"channel-rust-{channel}.toml";

    [GeneratedRegex(@"^(?<name>stable|beta|nightly|[0-9]{1,4}\.[0-9]{1,4}(\.[0-9]{1,4})?)(-(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2}))?$")]
    private static partial Regex ChannelPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._+-]+$")]
    private static partial Regex SafeSegment();
}

/// <summary>A channel (`stable`, `1.95`, `1.95.0`, `nightly`) and, for a dated release, its date.</summary>
public readonly record struct ChannelName(string Name, string? Date)
{
    /// <summary>The manifest path on a dist server: `dist/[DATE/]channel-rust-NAME.toml`.</summary>
    public string ManifestPath => Date is null ? $"dist/{DistPaths.ManifestName(Name)}" : $"dist/{Date}/{DistPaths.ManifestName(Name)}";

    public override string ToString() => Date is null ? Name : $"{Name}-{Date}";
}
