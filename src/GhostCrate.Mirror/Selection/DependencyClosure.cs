using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Upstream;
using GhostCrate.Protocol.Index;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Mirror.Selection;

/// <summary>
/// The dependency closure of the named crates (`selection.resolve`): starting from the versions the selection keeps of
/// each named crate, every dependency listed in the upstream index is followed, over as many rounds as it takes, until
/// no new version appears. What is followed, and why:
/// <list type="bullet">
/// <item>normal and build dependencies always, dev dependencies only when asked (`cargo build` of a dependent never
/// compiles a dependency's dev-dependencies: https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#development-dependencies);</item>
/// <item>target-specific dependencies for every target: the mirror cannot know the users' platforms, and cargo puts
/// every platform's packages in Cargo.lock (https://doc.rust-lang.org/cargo/reference/resolver.html#other-constraints);</item>
/// <item>optional dependencies: a user's features may enable any of them, and cargo's lock file lists the packages of
/// every feature combination a workspace uses;</item>
/// <item>renamed dependencies (`package` in the index entry) by their real name
/// (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema);</item>
/// <item>dependencies on another registry (`registry` set) are not in this index and are reported, not followed.</item>
/// </list>
/// Which versions of a dependency: <see cref="ResolveMode.All"/> takes every version that matches some requirement
/// (so any lock file a user may create, including `cargo update --precise` and MSRV-aware choices, resolves offline);
/// <see cref="ResolveMode.Newest"/> takes, per requirement, the newest matching non-yanked version only (smaller; what
/// a fresh `cargo generate-lockfile` picks when no other requirement narrows the choice, not guaranteed otherwise).
/// </summary>
public sealed class DependencyClosure
{
    private readonly Dictionary<string, UpstreamIndexFile> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IndexLine>> _lines = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SortedSet<string>> _versions = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];

    private DependencyClosure()
    {
    }

    /// <summary>Lowercase crate name -> the exact versions the closure needs (empty when the upstream lacks the crate).</summary>
    public IReadOnlyDictionary<string, SortedSet<string>> Versions => _versions;

    /// <summary>Every index file read, by lowercase name, so the sync does not read it again.</summary>
    public IReadOnlyDictionary<string, UpstreamIndexFile> Files => _files;

    /// <summary>What could not be followed (another registry, an unreadable requirement, no matching version).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <param name="roots">The named crates and, per crate, which of its lines the selection keeps (skip-yanked, keep-latest).</param>
    /// <param name="read">Reads a batch of index files by name (the upstream's <see cref="IIndexSource.ReadNamesAsync"/>).</param>
    /// <param name="wanted">False for names the include/exclude patterns leave out: they are neither mirrored nor followed.</param>
    public static async Task<DependencyClosure> ResolveAsync(
        IReadOnlyCollection<string> roots,
        Func<string, IReadOnlyList<IndexLine>, IReadOnlyList<IndexLine>> selectRoot,
        Func<IReadOnlyList<string>, CancellationToken, IAsyncEnumerable<UpstreamIndexFile>> read,
        Func<string, bool> wanted,
        ResolveMode mode,
        bool includeDev,
        bool skipYanked,
        CancellationToken cancellationToken)
    {
        var closure = new DependencyClosure();
        // Requirements not yet applied, per crate; a crate's file is read once, in the round after it was first named.
        var pending = new Dictionary<string, List<(VersionReq Req, string From)>>(StringComparer.Ordinal);
        var rootSet = roots.Select(r => r.ToLowerInvariant()).Where(wanted).ToHashSet(StringComparer.Ordinal);
        var toRead = rootSet.ToList();
        while (toRead.Count > 0 || pending.Count > 0)
        {
            if (toRead.Count > 0)
            {
                await foreach (var file in read(toRead, cancellationToken).WithCancellation(cancellationToken))
                {
                    var name = file.Name.ToLowerInvariant();
                    closure._files[name] = file;
                    var lines = file.Content is null ? [] : IndexLine.ParseFile(file.Content, out _);
                    closure._lines[name] = lines;
                    closure._versions.TryAdd(name, new SortedSet<string>(StringComparer.Ordinal));
                    if (file.Content is null) closure._notes.Add($"{name}: {file.Error ?? "not in the upstream index"}");
                }
                // A name the source did not answer for counts as absent, so that no requirement waits forever.
                foreach (var name in toRead.Where(n => !closure._lines.ContainsKey(n)))
                {
                    closure._files[name] = new UpstreamIndexFile(name, null, "the upstream did not return this index file");
                    closure._lines[name] = [];
                    closure._versions.TryAdd(name, new SortedSet<string>(StringComparer.Ordinal));
                    closure._notes.Add($"{name}: the upstream did not return this index file");
                }
                toRead.Clear();
            }

            var added = new List<IndexLine>();
            foreach (var name in rootSet.Where(n => closure._lines.ContainsKey(n)).ToList())
            {
                rootSet.Remove(name);
                foreach (var line in selectRoot(name, closure._lines[name])) if (closure._versions[name].Add(line.Entry.Vers)) added.Add(line);
            }
            foreach (var (name, requirements) in pending.Where(p => closure._lines.ContainsKey(p.Key)).ToList())
            {
                pending.Remove(name);
                foreach (var (req, from) in requirements)
                {
                    var matching = Matching(closure._lines[name], req, mode, skipYanked);
                    if (matching.Count == 0 && closure._files[name].Content is not null)
                        closure._notes.Add($"{from} needs {name} {req}, which no {(skipYanked || mode == ResolveMode.Newest ? "non-yanked " : "")}upstream version matches");
                    foreach (var line in matching) if (closure._versions[name].Add(line.Entry.Vers)) added.Add(line);
                }
            }

            foreach (var line in added)
            {
                foreach (var dep in line.Entry.Deps)
                {
                    if (dep.Kind == "dev" && !includeDev) continue;
                    var from = $"{line.Entry.Name} {line.Entry.Vers}";
                    var target = (dep.Package ?? dep.Name).ToLowerInvariant();
                    if (dep.Registry is { Length: > 0 } registry)
                    {
                        closure._notes.Add($"{from} depends on {target} from another registry ({registry}): not followed");
                        continue;
                    }
                    if (!wanted(target)) continue;
                    if (!VersionReq.TryParse(dep.Req, out var req))
                    {
                        closure._notes.Add($"{from} depends on {target} with an unreadable requirement `{dep.Req}`: not followed");
                        continue;
                    }
                    if (!pending.TryGetValue(target, out var list)) pending[target] = list = [];
                    list.Add((req, from));
                    if (!closure._lines.ContainsKey(target) && !toRead.Contains(target)) toRead.Add(target);
                }
            }
        }
        return closure;
    }

    private static List<IndexLine> Matching(List<IndexLine> lines, VersionReq req, ResolveMode mode, bool skipYanked)
    {
        var candidates = lines
            .Select(l => (Line: l, Version: SemVersion.TryParse(l.Entry.Vers, out var v) ? v : null))
            .Where(x => x.Version is not null && req.Matches(x.Version))
            .ToList();
        if (mode == ResolveMode.Newest)
        {
            // Cargo does not pick a yanked version for a new lock file
            // (https://doc.rust-lang.org/cargo/commands/cargo-yank.html#how-yank-works).
            return candidates.Where(x => !x.Line.Entry.Yanked).OrderByDescending(x => x.Version!).Take(1).Select(x => x.Line).ToList();
        }
        // Every matching version, yanked ones too unless skipped: an existing lock file may still pin one.
        return candidates.Where(x => !skipYanked || !x.Line.Entry.Yanked).Select(x => x.Line).ToList();
    }
}

/// <summary>How `selection.resolve` picks the versions of a dependency (see <see cref="DependencyClosure"/>).</summary>
public enum ResolveMode
{
    All,
    Newest,
}
