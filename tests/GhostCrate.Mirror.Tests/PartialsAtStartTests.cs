using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>
/// A sync lists the partial folder once: a file not there at the start is known absent (no lookup), one that was there
/// may be resumed, and a path outside the listed folder is never judged by the listing.
/// </summary>
public sealed class PartialsAtStartTests : IDisposable
{
    private readonly string _root = TempDir.Create("partials");

    public void Dispose() => TempDir.Delete(_root);

    [Fact]
    public void Only_files_of_the_listed_folder_that_were_missing_at_the_start_are_known_absent()
    {
        var folder = Path.Combine(_root, "partial");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a-1.0.0.crate.part"), "half");

        var listing = PartialsAtStart.List(folder);
        File.WriteAllText(Path.Combine(folder, "late-1.0.0.crate.part"), "written after the listing");

        Assert.True(listing.MayExist(Path.Combine(folder, "a-1.0.0.crate.part")));
        Assert.False(listing.MayExist(Path.Combine(folder, "b-1.0.0.crate.part")));
        Assert.False(listing.MayExist(Path.Combine(folder, "late-1.0.0.crate.part")));
        Assert.True(listing.MayExist(Path.Combine(_root, "elsewhere", "b-1.0.0.crate.part")));
        Assert.True(listing.MayExist(Path.Combine(folder, "sub", "b-1.0.0.crate.part")));
    }

    [Fact]
    public void A_folder_that_does_not_exist_yet_holds_no_partial_file()
    {
        var folder = Path.Combine(_root, "never-made");

        var listing = PartialsAtStart.List(folder);

        Assert.False(listing.MayExist(Path.Combine(folder, "a-1.0.0.crate.part")));
    }
}
