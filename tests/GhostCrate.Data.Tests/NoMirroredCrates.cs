using GhostCrate.Core.Licenses;

namespace GhostCrate.Data.Tests;

/// <summary>A registry that serves no offline mirror (the mirror's own port is tested with a real directory in Web.Tests).</summary>
public sealed class NoMirroredCrates : IMirroredCrateFiles
{
    public static readonly NoMirroredCrates Instance = new();

    public IReadOnlyList<ForeignCrateFile> List() => [];

    public IReadOnlyList<ForeignCrateFile> Versions(IReadOnlyCollection<string> canonicalNames) => [];

    public Stream? Open(ForeignCrateFile file) => null;
}
