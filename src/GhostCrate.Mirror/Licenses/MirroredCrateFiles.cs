using GhostCrate.Core.Advisories;
using GhostCrate.Core.Licenses;
using GhostCrate.Core.Options;
using GhostCrate.Mirror.Storage;
using Microsoft.Extensions.Options;

namespace GhostCrate.Mirror.Licenses;

/// <summary>
/// The versions the served offline mirror (Mirror:Directory) lists in its current generation, whose .crate files are
/// present: for the licence report and the advisory findings. Reads one pinned generation, so a sync switching
/// generations meanwhile is seen whole or not at all.
/// </summary>
public sealed class MirroredCrateFiles(IOptions<MirrorOptions> options) : IMirroredCrateFiles
{
    public IReadOnlyList<ForeignCrateFile> List() => Collect(served => served.EnumerateNames());

    // The index path is the name's lower case, and '-' and '_' are different files: ask for both spellings, as the
    // proxy's findings do.
    public IReadOnlyList<ForeignCrateFile> Versions(IReadOnlyCollection<string> canonicalNames) =>
        Collect(_ => canonicalNames.SelectMany(n => new[] { n, n.Replace('-', '_') }).Distinct(StringComparer.Ordinal));

    private List<ForeignCrateFile> Collect(Func<ServedIndex, IEnumerable<string>> names)
    {
        if (!options.Value.Enabled || !Directory.Exists(options.Value.Directory)) return [];
        var layout = new MirrorLayout(options.Value.Directory!);
        var served = new ServedIndex(layout);
        var files = new List<ForeignCrateFile>();
        foreach (var name in names(served))
        {
            foreach (var line in served.Read(name) ?? [])
            {
                var entry = line.Entry;
                if (!File.Exists(layout.CrateFile(entry.Name, entry.Vers))) continue;
                files.Add(new ForeignCrateFile(VersionSources.Mirror, entry.Name.ToLowerInvariant(), entry.Vers, entry.Cksum));
            }
        }
        return files;
    }

    public Stream? Open(ForeignCrateFile file)
    {
        if (!options.Value.Enabled) return null;
        try
        {
            return File.OpenRead(new MirrorLayout(options.Value.Directory!).CrateFile(file.CrateName, file.Version));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or MirrorException)
        {
            return null;
        }
    }
}
