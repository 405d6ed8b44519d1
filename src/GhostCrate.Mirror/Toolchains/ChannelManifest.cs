using System.Globalization;
using System.Text;
using GhostCrate.Packaging.Toml;

namespace GhostCrate.Mirror.Toolchains;

/// <summary>
/// A rustup channel manifest, version 2 (https://rust-lang.github.io/rustup/concepts/channels.html and rustup's
/// `src/dist/manifest.rs`): `date`, `[pkg.NAME]` with a `version` and `[pkg.NAME.target.TRIPLE]` entries holding
/// `available`, `url`/`hash`, `xz_url`/`xz_hash` (and `zst_url`/`zst_hash` where published), the components and
/// extensions of the `rust` package, `[renames]` and `[profiles]`. The document comes from a dist server we do not
/// control: it is read by the project's validating TOML reader (duplicate keys and redefined tables refused, nesting
/// capped, as for Cargo.toml and Cargo.lock) behind our own size and count limits, and every value is type-checked here.
/// The original bytes are kept: a mirror serves the upstream manifest unchanged (rustup compares it with its `.sha256`).
/// </summary>
public sealed class ChannelManifest
{
    /// <summary>The 1.95.0 manifest is about 1 MB with ~100 targets; nightlies are larger. Far above that, still bounded.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>Bounds the work a hostile manifest can cause (packages x targets is ~2,000 in a real one).</summary>
    public const int MaxPackageTargets = 100_000;

    /// <summary>A manifest nests `pkg.NAME.target.TRIPLE.components[]` deep at most; anything deeper is not a manifest.</summary>
    private const int MaxDepth = 8;

    private ChannelManifest(byte[] bytes, string date, IReadOnlyDictionary<string, ManifestPackage> packages,
        IReadOnlyDictionary<string, string> renames, IReadOnlyDictionary<string, IReadOnlyList<string>> profiles)
    {
        Bytes = bytes;
        Date = date;
        Packages = packages;
        Renames = renames;
        Profiles = profiles;
    }

    public byte[] Bytes { get; }

    /// <summary>`YYYY-MM-DD`: the dist folder the release's archives live in.</summary>
    public string Date { get; }

    public IReadOnlyDictionary<string, ManifestPackage> Packages { get; }

    /// <summary>Old component name to new (`clippy` to `clippy-preview`); rustup accepts either.</summary>
    public IReadOnlyDictionary<string, string> Renames { get; }

    /// <summary>`minimal`, `default`, `complete`: the components `rustup toolchain install --profile` picks.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Profiles { get; }

    /// <summary>The `rust` package's version number (`1.95.0` from `1.95.0 (59807616e 2026-04-14)`), or null.</summary>
    public string? RustVersion =>
        Packages.TryGetValue("rust", out var rust) && rust.Version.Split(' ', 2)[0] is { Length: > 0 } version ? version : null;

    /// <summary>Parses and checks a manifest.</summary>
    /// <exception cref="MirrorException">Too large, not TOML, not version 2, or a value of the wrong shape.</exception>
    public static ChannelManifest Parse(byte[] bytes)
    {
        if (bytes.Length > MaxBytes) throw Invalid($"it is {bytes.Length} bytes, above the limit of {MaxBytes}");
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("it is not UTF-8 text");
        }
        var parsed = TomlReader.Parse(text, MaxDepth);
        var root = parsed.Document ?? throw Invalid($"it is not valid TOML: {parsed.Error}");

        var version = String(root, "manifest-version", "manifest-version");
        if (version != "2") throw Invalid($"manifest-version is `{version}`; only version 2 is understood");
        var date = String(root, "date", "date");
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            throw Invalid($"date `{date}` is not YYYY-MM-DD");

        var packages = new SortedDictionary<string, ManifestPackage>(StringComparer.Ordinal);
        var targetCount = 0;
        foreach (var (name, value) in Table(root, "pkg", "pkg"))
        {
            var where = $"pkg.{name}";
            DistPaths.CheckName(name, where);
            var pkg = value as TomlTable ?? throw Invalid($"{where} is not a table");
            var pkgVersion = OptionalString(pkg, "version", where + ".version") ?? "";
            var targets = new SortedDictionary<string, ManifestTarget>(StringComparer.Ordinal);
            foreach (var (triple, targetValue) in Table(pkg, "target", where + ".target"))
            {
                if (++targetCount > MaxPackageTargets) throw Invalid($"it lists more than {MaxPackageTargets} package targets");
                var at = $"{where}.target.{triple}";
                if (triple != "*") DistPaths.CheckName(triple, at);
                targets[triple] = ReadTarget(targetValue as TomlTable ?? throw Invalid($"{at} is not a table"), at);
            }
            packages[name] = new ManifestPackage(name, pkgVersion, targets);
        }

        var renames = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (from, value) in OptionalTable(root, "renames", "renames"))
        {
            var to = value is TomlTable rename ? String(rename, "to", $"renames.{from}.to") : throw Invalid($"renames.{from} is not a table");
            renames[from] = to;
        }

        var profiles = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in OptionalTable(root, "profiles", "profiles"))
        {
            profiles[name] = value is TomlArray list
                ? list.Select(item => item as string ?? throw Invalid($"profiles.{name} holds a value that is not a string")).ToList()
                : throw Invalid($"profiles.{name} is not an array");
        }
        return new ChannelManifest(bytes, date, packages, renames, profiles);
    }

    private static ManifestTarget ReadTarget(TomlTable table, string where)
    {
        var available = table.TryGetValue("available", out var a) ? a as bool? ?? throw Invalid($"{where}.available is not a boolean") : false;
        var archives = new List<ManifestArchive>();
        // rustup prefers zst, then xz, then gz (rustup `src/dist/manifest.rs` TargetedPackage), and does not fall back.
        foreach (var (format, urlKey, hashKey) in ArchiveKeys)
        {
            var url = OptionalString(table, urlKey, $"{where}.{urlKey}");
            var hash = OptionalString(table, hashKey, $"{where}.{hashKey}");
            if (url is null && hash is null) continue;
            if (url is null || hash is null) throw Invalid($"{where} has {(url is null ? hashKey : urlKey)} without {(url is null ? urlKey : hashKey)}");
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower)) throw Invalid($"{where}.{hashKey} is not a lowercase hex SHA-256");
            archives.Add(new ManifestArchive(format, url, hash));
        }
        if (available && archives.Count == 0) throw Invalid($"{where} is available but names no archive");
        return new ManifestTarget(available, archives, References(table, "components", where), References(table, "extensions", where));
    }

    private static readonly (string Format, string Url, string Hash)[] ArchiveKeys =
        [("gz", "url", "hash"), ("xz", "xz_url", "xz_hash"), ("zst", "zst_url", "zst_hash")];

    private static List<ComponentRef> References(TomlTable table, string key, string where)
    {
        if (!table.TryGetValue(key, out var value)) return [];
        var items = value as TomlArray ?? throw Invalid($"{where}.{key} is not an array");
        var list = new List<ComponentRef>();
        foreach (var item in items)
        {
            var entry = item as TomlTable ?? throw Invalid($"{where}.{key} holds a value that is not a table");
            list.Add(new ComponentRef(String(entry, "pkg", $"{where}.{key}.pkg"), String(entry, "target", $"{where}.{key}.target")));
        }
        return list;
    }

    private static IEnumerable<(string Key, object Value)> Table(TomlTable parent, string key, string where) =>
        parent.TryGetTable(key, out var table) ? Entries(table) : throw Invalid($"`{where}` is missing or not a table");

    private static IEnumerable<(string Key, object Value)> OptionalTable(TomlTable parent, string key, string where) =>
        !parent.TryGetValue(key, out var value) ? [] : Entries(value as TomlTable ?? throw Invalid($"`{where}` is not a table"));

    private static IEnumerable<(string Key, object Value)> Entries(TomlTable table) => table.Keys.Select(k => (k, table[k]));

    private static string String(TomlTable table, string key, string where) =>
        OptionalString(table, key, where) ?? throw Invalid($"`{where}` is missing");

    private static string? OptionalString(TomlTable table, string key, string where) =>
        !table.TryGetValue(key, out var value) ? null : value as string ?? throw Invalid($"`{where}` is not a string");

    private static MirrorException Invalid(string why) => new($"the channel manifest is not usable: {why}");
}

public sealed record ManifestPackage(string Name, string Version, IReadOnlyDictionary<string, ManifestTarget> Targets);

/// <summary>One package built for one target (`*` for target-independent packages such as rust-src).</summary>
public sealed record ManifestTarget(bool Available, IReadOnlyList<ManifestArchive> Archives, IReadOnlyList<ComponentRef> Components, IReadOnlyList<ComponentRef> Extensions);

/// <summary>One published archive format of a package target: its URL on the dist server and its SHA-256.</summary>
public sealed record ManifestArchive(string Format, string Url, string Sha256);

/// <summary>A component or extension of the `rust` package: a package name and the target it is built for.</summary>
public sealed record ComponentRef(string Pkg, string Target);
