namespace GhostCrate.Mirror.Downloads;

/// <summary>
/// The partial files one folder held when a run started, listed once: a run that holds the mirror's lock is the only
/// writer there, so a file it has not tried to download yet has a partial file only if the listing has it. A sync of
/// thousands of new files then skips one lookup of an absent name per file; a retry still looks (its earlier attempt
/// may have left bytes to resume).
/// </summary>
public sealed class PartialsAtStart
{
    private readonly string _folder;
    private readonly HashSet<string> _files;

    private PartialsAtStart(string folder, HashSet<string> files)
    {
        _folder = folder;
        _files = files;
    }

    public static PartialsAtStart List(string folder) =>
        new(folder, Directory.Exists(folder) ? new HashSet<string>(Directory.EnumerateFiles(folder), StringComparer.Ordinal) : []);

    /// <summary>False only for a file of the listed folder that was not there at the start (any other path: true).</summary>
    public bool MayExist(string path) =>
        !Path.GetDirectoryName(path.AsSpan()).SequenceEqual(_folder) || _files.Contains(path);
}
