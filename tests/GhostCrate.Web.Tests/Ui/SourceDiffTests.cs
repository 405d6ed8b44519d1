using System.Text;
using GhostCrate.Packaging.Source;
using GhostCrate.Web.Ui.Source;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>The version diff's hunks (as `diff -u` forms them) and the per-line rendering of highlighted text.</summary>
public sealed class SourceDiffTests
{
    private static CrateSourceSnapshot Snapshot(params (string Path, string Text)[] files) =>
        new(files.ToDictionary(f => f.Path, f => new CrateSourceFile(f.Path, Encoding.UTF8.GetByteCount(f.Text), false, Encoding.UTF8.GetBytes(f.Text), false)), false, null);

    private static string Lines(int count, Func<int, string>? line = null) =>
        string.Concat(Enumerable.Range(1, count).Select(i => (line?.Invoke(i) ?? $"line {i}") + "\n"));

    [Fact]
    public void Changes_within_six_lines_share_a_hunk_and_farther_ones_do_not()
    {
        var old = Lines(40);
        var near = Lines(40, i => i is 10 or 16 ? $"changed {i}" : $"line {i}");
        var far = Lines(40, i => i is 10 or 18 ? $"changed {i}" : $"line {i}");

        var one = Assert.Single(SourceDiff.Compare(Snapshot(("a.rs", old)), Snapshot(("a.rs", near))).Files);
        var hunk = Assert.Single(one.Hunks);
        Assert.Equal("@@ -7,13 +7,13 @@", hunk.Header);

        var two = Assert.Single(SourceDiff.Compare(Snapshot(("a.rs", old)), Snapshot(("a.rs", far))).Files);
        Assert.Equal(["@@ -7,7 +7,7 @@", "@@ -15,7 +15,7 @@"], two.Hunks.Select(h => h.Header));
        Assert.Equal((2, 2), (two.Added, two.Removed));
    }

    [Fact]
    public void Hunks_at_the_edges_of_a_file_keep_the_context_that_exists()
    {
        var diff = Assert.Single(SourceDiff.Compare(Snapshot(("a.rs", "a\nb\nc\n")), Snapshot(("a.rs", "x\na\nb\nc\ny\n"))).Files);
        var hunk = Assert.Single(diff.Hunks);
        Assert.Equal("@@ -1,3 +1,5 @@", hunk.Header);
        Assert.Equal([DiffLineKind.Added, DiffLineKind.Context, DiffLineKind.Context, DiffLineKind.Context, DiffLineKind.Added], hunk.Lines.Select(l => l.Kind));
    }

    [Fact]
    public void Identical_files_are_left_out_and_binary_ones_are_not_diffed()
    {
        var binary = new CrateSourceFile("b.bin", 3, false, [0, 1, 2], false);
        var changedBinary = new CrateSourceFile("b.bin", 3, false, [0, 1, 3], false);
        var from = new CrateSourceSnapshot(new Dictionary<string, CrateSourceFile> { ["same.rs"] = Snapshot(("same.rs", "x\n")).Files["same.rs"], ["b.bin"] = binary }, false, null);
        var to = new CrateSourceSnapshot(new Dictionary<string, CrateSourceFile> { ["same.rs"] = Snapshot(("same.rs", "x\n")).Files["same.rs"], ["b.bin"] = changedBinary }, false, null);
        var file = Assert.Single(SourceDiff.Compare(from, to).Files);
        Assert.Equal(("b.bin", DiffNote.NotText), (file.Path, file.Note));
    }

    [Fact]
    public void A_block_comment_over_several_lines_is_closed_and_reopened_on_each_line()
    {
        var lines = SourceLines.Render("/* one\ntwo */ fn x() {}\n", "rust");
        Assert.Equal(2, lines.Count);
        Assert.Equal("<span class=\"hl-comment\">/* one</span>", lines[0]);
        Assert.StartsWith("<span class=\"hl-comment\">two */</span>", lines[1], StringComparison.Ordinal);
        Assert.Equal(["a", "", "&lt;b&gt;"], SourceLines.Render("a\n\n<b>", null));
    }

    [Theory]
    [InlineData(new byte[] { 0x68, 0x69 }, false, "hi")]
    [InlineData(new byte[] { 0x68, 0x00, 0x69 }, false, null)]
    [InlineData(new byte[] { 0xff, 0xfe }, false, null)]
    // "hé" cut inside the é: the incomplete sequence at the cut is dropped, not held against the file.
    [InlineData(new byte[] { 0x68, 0xc3 }, true, "h")]
    public void Text_is_utf8_without_nul_bytes(byte[] bytes, bool truncated, string? expected) =>
        Assert.Equal(expected, SourceText.Decode(bytes, truncated));
}
