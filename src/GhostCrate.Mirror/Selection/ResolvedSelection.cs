using System.Security.Cryptography;
using System.Text;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Storage;
using GhostCrate.Packaging;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Mirror.Selection;

/// <summary>
/// What this run mirrors, worked out from mirror.json: either every crate of the upstream, or a set of pinned crates
/// (each with all versions, or exactly the versions some Cargo.lock / vendor folder needs), then narrowed by the
/// include/exclude patterns, skip-yanked and keep-latest-N.
/// </summary>
public sealed class ResolvedSelection
{
    private readonly SelectionConfig _config;
    private readonly NamePatterns _include;
    private readonly NamePatterns _exclude;

    private ResolvedSelection(SelectionConfig config, SortedDictionary<string, SortedSet<string>?>? pins, bool closed = false)
    {
        _config = config;
        Pins = pins;
        Closed = closed;
        _include = new NamePatterns(config.Include);
        _exclude = new NamePatterns(config.Exclude);
        Fingerprint = ComputeFingerprint();
    }

    /// <summary>Lowercase crate name -> the exact versions wanted (null: every version). Null when mirroring everything.</summary>
    public IReadOnlyDictionary<string, SortedSet<string>?>? Pins { get; }

    public bool Everything => Pins is null;

    /// <summary>True once <see cref="WithClosure"/> made every pin exact: keep-latest was applied to the named crates already.</summary>
    public bool Closed { get; }

    /// <summary>The named crates (`selection.crates`) whose dependencies `selection.resolve` follows.</summary>
    public IReadOnlyList<string> NamedCrates => _config.Crates.Select(c => c.ToLowerInvariant()).Distinct().ToList();

    /// <summary>
    /// This selection with the named crates and their dependency closure pinned to the exact versions the closure
    /// found; lock-file and vendor pins stay as they were (a lock file already is a closure).
    /// </summary>
    public ResolvedSelection WithClosure(DependencyClosure closure)
    {
        var pins = new SortedDictionary<string, SortedSet<string>?>(StringComparer.Ordinal);
        foreach (var (name, versions) in Pins ?? new Dictionary<string, SortedSet<string>?>())
        {
            if (versions is not null) pins[name] = new SortedSet<string>(versions, StringComparer.Ordinal);
        }
        foreach (var (name, versions) in closure.Versions)
        {
            if (pins.TryGetValue(name, out var existing)) existing!.UnionWith(versions);
            else pins[name] = new SortedSet<string>(versions, StringComparer.Ordinal);
        }
        foreach (var name in NamedCrates) pins.TryAdd(name, new SortedSet<string>(StringComparer.Ordinal));
        return new ResolvedSelection(_config, pins, closed: true);
    }

    /// <summary>Changes whenever the selection changes, so an incremental git sync knows to look at every file again.</summary>
    public string Fingerprint { get; }

    /// <param name="baseDirectory">Relative lockfile and vendor paths are resolved against it (the mirror directory).</param>
    public static ResolvedSelection Resolve(SelectionConfig config, string baseDirectory)
    {
        if (config.IsEverything) return new ResolvedSelection(config, null);
        var pins = new SortedDictionary<string, SortedSet<string>?>(StringComparer.Ordinal);
        foreach (var name in config.Crates) pins[name.ToLowerInvariant()] = null;
        var exact = new List<(string Name, string Version)>();
        foreach (var lockfile in config.Lockfiles) exact.AddRange(ReadLockfile(Path.GetFullPath(lockfile, baseDirectory)));
        foreach (var vendor in config.VendorDirs) exact.AddRange(VendorDirReader.Read(Path.GetFullPath(vendor, baseDirectory)));
        foreach (var (name, version) in exact)
        {
            var key = name.ToLowerInvariant();
            if (pins.TryGetValue(key, out var versions))
            {
                versions?.Add(version); // null already means every version
            }
            else
            {
                pins[key] = new SortedSet<string>(StringComparer.Ordinal) { version };
            }
        }
        return new ResolvedSelection(config, pins);
    }

    /// <summary>
    /// The registry packages a Cargo.lock pins. A lock file already is the full dependency closure of its workspace
    /// (https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html), so mirroring exactly these name/version
    /// pairs is enough for `cargo build --locked` offline; path and git packages are not in a registry and are left out.
    /// </summary>
    public static IReadOnlyList<(string Name, string Version)> ReadLockfile(string path)
    {
        if (!File.Exists(path)) throw new MirrorException($"selection.lockfiles: {path} does not exist");
        var (packages, error) = CargoLock.Read(File.ReadAllText(path));
        if (packages is null) throw new MirrorException($"selection.lockfiles: {path}: {error}");
        if (packages.Count == 0) throw new MirrorException($"selection.lockfiles: {path} does not look like a Cargo.lock (no [[package]] tables)");
        return packages.Where(p => p.FromRegistry).Select(p => (p.Name, p.Version)).ToList();
    }

    /// <summary>No pins and no patterns: every crate is wanted, so a crate is never dropped for the selection's sake.</summary>
    public bool WantsEveryCrate => Pins is null && !_include.Any && !_exclude.Any;

    public bool WantsCrate(string name)
    {
        var lower = name.ToLowerInvariant();
        if (Pins is not null && !Pins.ContainsKey(lower)) return false;
        return PatternsAllow(lower);
    }

    /// <summary>The include/exclude patterns alone: a dependency they leave out is neither mirrored nor followed.</summary>
    public bool PatternsAllow(string name)
    {
        var lower = name.ToLowerInvariant();
        if (_include.Any && !_include.Matches(lower)) return false;
        return !_exclude.Matches(lower);
    }

    /// <summary>The lines of one crate's upstream file that this mirror keeps, in the upstream's order.</summary>
    /// <summary>The lines of a named crate that a dependency closure starts from: the filters applied to all its versions.</summary>
    public List<IndexLine> SelectRoot(string name, IReadOnlyList<IndexLine> lines) =>
        new ResolvedSelection(_config with { Lockfiles = [], VendorDirs = [] }, null).Select(name, lines);

    public List<IndexLine> Select(string name, IReadOnlyList<IndexLine> lines)
    {
        if (!WantsCrate(name)) return [];
        var lower = name.ToLowerInvariant();
        IEnumerable<IndexLine> kept = lines;
        if (Pins is not null && Pins[lower] is { } versions) kept = kept.Where(l => versions.Contains(l.Entry.Vers));
        if (_config.SkipYanked) kept = kept.Where(l => !l.Entry.Yanked);
        var list = kept.ToList();
        if (!Closed && _config.KeepLatest > 0 && list.Count > _config.KeepLatest)
        {
            var latest = list
                .Select(l => (Line: l, Version: SemVersion.TryParse(l.Entry.Vers, out var v) ? v : null))
                .Where(x => x.Version is not null)
                .OrderByDescending(x => x.Version!)
                .Take(_config.KeepLatest)
                .Select(x => x.Line)
                .ToHashSet();
            list = list.Where(latest.Contains).ToList();
        }
        return list;
    }

    private string ComputeFingerprint()
    {
        var text = new StringBuilder();
        text.Append("skipYanked=").Append(_config.SkipYanked).Append(";keepLatest=").Append(_config.KeepLatest);
        if (_config.Resolve is not null) text.Append(";resolve=").Append(_config.Resolve).Append(";resolveDev=").Append(_config.ResolveDev).Append(";closed=").Append(Closed);
        text.Append(";include=").AppendJoin(',', _config.Include).Append(";exclude=").AppendJoin(',', _config.Exclude);
        if (Pins is not null)
        {
            foreach (var (name, versions) in Pins) text.Append(';').Append(name).Append('=').AppendJoin(',', versions ?? ["*"]);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
