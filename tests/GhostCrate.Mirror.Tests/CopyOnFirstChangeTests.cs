using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>
/// A sync's next generation copies the served one only when its first change needs it: until then it reads the
/// served files, so a sync that changes nothing makes no hard link per index file. Once copied, it is the same full
/// copy as before, and the served generation is never written through.
/// </summary>
public sealed class CopyOnFirstChangeTests : IDisposable
{
    private readonly string _root = TempDir.Create("copyonchange");
    private readonly MirrorLayout _layout;

    public CopyOnFirstChangeTests()
    {
        _layout = new MirrorLayout(_root);
        var first = MirrorGenerations.Begin(_layout);
        Assert.True(first.Index.Write("alpha", Lines("alpha", "1.0.0")));
        Assert.True(first.Index.Write("beta", Lines("beta", "1.0.0")));
        first.Commit();
    }

    public void Dispose() => TempDir.Delete(_root);

    [Fact]
    public void Until_a_change_the_next_generation_copies_nothing_and_reads_the_served_files()
    {
        var next = MirrorGenerations.BeginCopyOnFirstChange(_layout);

        // Unchanged content and a delete of a crate that is not there change nothing.
        Assert.False(next.Index.Write("alpha", Lines("alpha", "1.0.0")));
        Assert.False(next.Index.Delete("gamma"));
        Assert.Equal(["alpha", "beta"], next.Index.EnumerateNames());
        Assert.Equal("1.0.0", Assert.Single(next.Index.Read("beta")!).Entry.Vers);

        Assert.Empty(Directory.EnumerateFileSystemEntries(next.Folder, "*", SearchOption.AllDirectories));
        next.Discard();
    }

    [Fact]
    public void The_first_change_copies_the_served_generation_and_applies_to_the_copy_only()
    {
        var served = _layout.CurrentGenerationDir()!;
        var next = MirrorGenerations.BeginCopyOnFirstChange(_layout);

        Assert.True(next.Index.Write("beta", Lines("beta", "1.0.0", "2.0.0")));
        Assert.True(next.Index.Delete("alpha"));
        Assert.True(next.Index.Write("gamma", Lines("gamma", "0.1.0")));

        Assert.Equal(["beta", "gamma"], next.Index.EnumerateNames());
        // The served generation is as it was: the copy's files were replaced, not written through.
        Assert.Equal(["alpha", "beta"], new ServedIndex(_layout).EnumerateNames());
        Assert.Single(new ServedIndex(_layout).Read("beta")!);
        Assert.Equal(2, next.Index.Read("beta")!.Count);

        next.Commit();
        Assert.NotEqual(served, _layout.CurrentGenerationDir());
        Assert.Equal(["beta", "gamma"], new ServedIndex(_layout).EnumerateNames());
    }

    [Fact]
    public void Files_the_change_does_not_touch_are_carried_into_the_copy()
    {
        var servedAlpha = new ServedIndex(_layout).FileOf("alpha");
        var next = MirrorGenerations.BeginCopyOnFirstChange(_layout);

        Assert.True(next.Index.Write("beta", Lines("beta", "2.0.0")));

        var copiedAlpha = next.Index.FileOf("alpha");
        Assert.NotEqual(servedAlpha, copiedAlpha);
        Assert.Equal(File.ReadAllText(servedAlpha), File.ReadAllText(copiedAlpha));
    }

    [Fact]
    public void After_the_copy_an_unchanged_file_stays_and_a_changed_one_is_replaced_without_touching_the_served_one()
    {
        var next = MirrorGenerations.BeginCopyOnFirstChange(_layout);
        Assert.True(next.Index.Write("gamma", Lines("gamma", "0.1.0")));

        // Both exist in the copy now (hard links to the served files): neither may be written through.
        Assert.False(next.Index.Write("alpha", Lines("alpha", "1.0.0")));
        Assert.True(next.Index.Write("beta", Lines("beta", "1.0.0", "1.1.0")));
        Assert.False(next.Index.Write("gamma", Lines("gamma", "0.1.0")));

        Assert.Equal(2, next.Index.Read("beta")!.Count);
        Assert.Single(new ServedIndex(_layout).Read("beta")!);
        Assert.Null(new ServedIndex(_layout).Read("gamma"));
    }

    private static List<IndexLine> Lines(string name, params string[] versions) =>
        IndexLine.ParseFile(string.Concat(versions.Select(v =>
            $"{{\"name\":\"{name}\",\"vers\":\"{v}\",\"deps\":[],\"cksum\":\"{new string('a', 64)}\",\"features\":{{}},\"yanked\":false}}\n")), out _);
}
