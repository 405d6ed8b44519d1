using GhostCrate.Mirror.Bundles;

namespace GhostCrate.Mirror.Tests;

public sealed class MarkFileTests
{
    [Fact]
    public void Path_order_is_the_order_of_a_sorted_depth_first_walk()
    {
        // A folder's files come before a sibling whose name sorts after the folder's, even when '-' < '/'.
        string[] walk = ["crates/a/a-1.crate", "crates/a-b/a-b-1.crate", "index/1/a", "index/3/a/abc"];
        Assert.Equal(walk, walk.Reverse().Order(PathOrder.Instance));
    }

    [Fact]
    public void Compare_streams_added_changed_and_removed_files()
    {
        MarkEntry[] before = [new("crates/a/a-1.crate", 10, "-"), new("crates/b/b-1.crate", 5, "-"), new("index/1/a", 3, "x"), new("index/1/b", 3, "y")];
        MarkEntry[] now = [new("crates/a/a-1.crate", 10, "-"), new("crates/a/a-2.crate", 11, "-"), new("index/1/a", 4, "z"), new("index/1/c", 1, "w")];

        var diff = MarkFile.Compare(before, now).Select(d => (d.Entry.Path, d.Removed)).ToList();

        Assert.Equal([("crates/a/a-2.crate", false), ("crates/b/b-1.crate", true), ("index/1/a", false), ("index/1/b", true), ("index/1/c", false)], diff);
    }
}
