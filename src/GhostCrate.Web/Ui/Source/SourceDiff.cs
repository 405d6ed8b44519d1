using DiffPlex;
using DiffPlex.Model;
using GhostCrate.Packaging.Source;

namespace GhostCrate.Web.Ui.Source;

/// <summary>
/// What changed between two versions of a crate: files added, removed and changed, and a unified diff (3 lines of
/// context, as `diff -u` and git show it) for each changed text file. Line diffs come from DiffPlex (Myers' algorithm).
/// </summary>
public static class SourceDiff
{
    public const int Context = 3;

    /// <summary>A diff with more changed lines than this for one file is summarised, not shown.</summary>
    public const int MaxShownLines = 5000;

    public static CrateDiff Compare(CrateSourceSnapshot from, CrateSourceSnapshot to)
    {
        var files = new List<FileDiff>();
        foreach (var path in from.Files.Keys.Union(to.Files.Keys).Order(StringComparer.Ordinal))
        {
            from.Files.TryGetValue(path, out var old);
            to.Files.TryGetValue(path, out var @new);
            var change = old is null ? FileChange.Added : @new is null ? FileChange.Removed : FileChange.Changed;
            if (old is not null && @new is not null && Same(old, @new)) continue;
            files.Add(Diff(path, change, old, @new));
        }
        return new CrateDiff(files, from.ContentCut || to.ContentCut);
    }

    private static bool Same(CrateSourceFile a, CrateSourceFile b) =>
        a.Size == b.Size && a.Executable == b.Executable && a.Content is not null && b.Content is not null
        && !a.Truncated && !b.Truncated && a.Content.AsSpan().SequenceEqual(b.Content);

    private static FileDiff Diff(string path, FileChange change, CrateSourceFile? old, CrateSourceFile? @new)
    {
        var language = SourceText.LanguageOf(path);
        var modeChanged = old is not null && @new is not null && old.Executable != @new.Executable;
        if (old is { Content: null } or { Truncated: true } || @new is { Content: null } or { Truncated: true })
            return new FileDiff(path, change, old?.Size, @new?.Size, modeChanged, [], 0, 0, DiffNote.NotCompared);
        var oldText = old is null ? "" : SourceText.Decode(old.Content!, false);
        var newText = @new is null ? "" : SourceText.Decode(@new.Content!, false);
        if (oldText is null || newText is null)
            return new FileDiff(path, change, old?.Size, @new?.Size, modeChanged, [], 0, 0, DiffNote.NotText);

        var result = Differ.Instance.CreateLineDiffs(oldText, newText, ignoreWhitespace: false, ignoreCase: false);
        var added = result.DiffBlocks.Sum(b => b.InsertCountB);
        var removed = result.DiffBlocks.Sum(b => b.DeleteCountA);
        if (added + removed > MaxShownLines)
            return new FileDiff(path, change, old?.Size, @new?.Size, modeChanged, [], added, removed, DiffNote.TooLarge);
        var oldLines = SourceLines.Render(oldText, language);
        var newLines = SourceLines.Render(newText, language);
        return new FileDiff(path, change, old?.Size, @new?.Size, modeChanged, Hunks(result, oldLines, newLines), added, removed, DiffNote.None);
    }

    /// <summary>Groups DiffPlex's change blocks into hunks, merging blocks whose context would overlap.</summary>
    private static List<DiffHunk> Hunks(DiffResult result, IReadOnlyList<string> oldLines, IReadOnlyList<string> newLines)
    {
        var hunks = new List<DiffHunk>();
        var blocks = result.DiffBlocks;
        var i = 0;
        while (i < blocks.Count)
        {
            // Blocks i..j share one hunk when the unchanged run between them is at most 2 * Context lines.
            var j = i;
            while (j + 1 < blocks.Count && blocks[j + 1].DeleteStartA - (blocks[j].DeleteStartA + blocks[j].DeleteCountA) <= 2 * Context) j++;
            var oldStart = Math.Max(0, blocks[i].DeleteStartA - Context);
            var newStart = Math.Max(0, blocks[i].InsertStartB - Context);
            var lines = new List<DiffLine>();
            int a = oldStart, b = newStart;
            for (var k = i; k <= j; k++)
            {
                var block = blocks[k];
                for (; a < block.DeleteStartA; a++, b++) lines.Add(new DiffLine(DiffLineKind.Context, a + 1, b + 1, At(oldLines, a)));
                for (var d = 0; d < block.DeleteCountA; d++, a++) lines.Add(new DiffLine(DiffLineKind.Removed, a + 1, null, At(oldLines, a)));
                for (var n = 0; n < block.InsertCountB; n++, b++) lines.Add(new DiffLine(DiffLineKind.Added, null, b + 1, At(newLines, b)));
            }
            var oldEnd = Math.Min(oldLines.Count, a + Context);
            for (; a < oldEnd; a++, b++) lines.Add(new DiffLine(DiffLineKind.Context, a + 1, b + 1, At(oldLines, a)));
            hunks.Add(new DiffHunk(oldStart + 1, a - oldStart, newStart + 1, b - newStart, lines));
            i = j + 1;
        }
        return hunks;
    }

    private static string At(IReadOnlyList<string> lines, int index) => index < lines.Count ? lines[index] : "";
}

public enum FileChange { Added, Removed, Changed }

/// <summary>Why a file's lines are not shown: binary content, too many changed lines, or over the size caps.</summary>
public enum DiffNote { None, NotText, TooLarge, NotCompared }

public enum DiffLineKind { Context, Removed, Added }

/// <summary>One line of a hunk: its numbers in the old and new file, and its HTML (encoded, highlighted).</summary>
public sealed record DiffLine(DiffLineKind Kind, int? OldNumber, int? NewNumber, string Html);

/// <summary>A unified-diff hunk: `@@ -OldStart,OldCount +NewStart,NewCount @@`.</summary>
public sealed record DiffHunk(int OldStart, int OldCount, int NewStart, int NewCount, IReadOnlyList<DiffLine> Lines)
{
    public string Header => $"@@ -{OldStart},{OldCount} +{NewStart},{NewCount} @@";
}

public sealed record FileDiff(string Path, FileChange Change, long? OldSize, long? NewSize, bool ModeChanged,
    IReadOnlyList<DiffHunk> Hunks, int Added, int Removed, DiffNote Note);

/// <summary>The changed files of two versions; <see cref="ContentCut"/> when a size cap left some files uncompared.</summary>
public sealed record CrateDiff(IReadOnlyList<FileDiff> Files, bool ContentCut);
