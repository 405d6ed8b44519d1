using System.Globalization;
using System.Security.Cryptography;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Toolchains;

namespace GhostCrate.Mirror.Bundles;

/// <summary>One line of a mark: a file as it was when a bundle was exported.</summary>
public sealed record MarkEntry(string Path, long Size, string Hash);

/// <summary>
/// A mark is the state of crates/, index/ and the served toolchains/ at an export (.ghostcrate/marks/N.list, one
/// `path size hash` line per file, in walk order). `mirror export --since N` carries what changed since mark N. Index
/// files and toolchain manifests are hashed (they change in place); a .crate file or toolchain archive is immutable once
/// accepted, so its size stands for it and exports stay cheap on big mirrors.
/// </summary>
public static class MarkFile
{
    public static string PathOf(MirrorLayout layout, int mark) => Path.Combine(layout.MarksDir, mark.ToString(CultureInfo.InvariantCulture) + ".list");

    public static int Latest(MirrorLayout layout) =>
        Directory.Exists(layout.MarksDir)
            ? Directory.GetFiles(layout.MarksDir, "*.list").Select(f => int.TryParse(Path.GetFileNameWithoutExtension(f), out var n) ? n : 0).DefaultIfEmpty(0).Max()
            : 0;

    /// <summary>The current state (crates/, then the index and toolchains of <paramref name="served"/>'s generation), streamed in walk order.</summary>
    public static IEnumerable<MarkEntry> Current(MirrorLayout layout, ServedIndex served)
    {
        if (Directory.Exists(layout.CratesDir))
        {
            foreach (var file in ServedIndex.Walk(layout.CratesDir)) yield return new MarkEntry(layout.Relative(file), new FileInfo(file).Length, "-");
        }
        foreach (var (relative, file) in served.EnumerateFiles())
        {
            yield return new MarkEntry(relative, new FileInfo(file).Length, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))));
        }
        if (!layout.HasGenerations) yield break; // toolchains exist only in generations
        foreach (var entry in ToolchainTree.Describe(ToolchainTree.OfGeneration(served.Directory)))
            yield return entry with { Path = ToolchainTree.BundlePrefix + entry.Path };
    }

    public static IEnumerable<MarkEntry> Read(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(' ');
            if (parts.Length == 3) yield return new MarkEntry(parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture), parts[2]);
        }
    }

    public static void Write(MirrorLayout layout, int mark, IEnumerable<MarkEntry> entries)
    {
        Directory.CreateDirectory(layout.MarksDir);
        var temp = AtomicFile.NewTempPath(layout);
        using (var writer = new StreamWriter(temp) { NewLine = "\n" })
        {
            foreach (var e in entries) writer.WriteLine($"{e.Path} {e.Size.ToString(CultureInfo.InvariantCulture)} {e.Hash}");
        }
        AtomicFile.MoveIntoPlace(temp, PathOf(layout, mark));
    }

    /// <summary>
    /// Merges two walk-ordered lists, streaming: each file added or changed in <paramref name="now"/> (Removed false),
    /// and each file gone from it (Removed true). Neither list is held in memory.
    /// </summary>
    public static IEnumerable<(MarkEntry Entry, bool Removed)> Compare(IEnumerable<MarkEntry> before, IEnumerable<MarkEntry> now)
    {
        using var a = before.GetEnumerator();
        using var b = now.GetEnumerator();
        var hasA = a.MoveNext();
        var hasB = b.MoveNext();
        while (hasA || hasB)
        {
            var c = !hasA ? 1 : !hasB ? -1 : PathOrder.Instance.Compare(a.Current.Path, b.Current.Path);
            if (c < 0)
            {
                yield return (a.Current, true);
                hasA = a.MoveNext();
            }
            else if (c > 0)
            {
                yield return (b.Current, false);
                hasB = b.MoveNext();
            }
            else
            {
                if (a.Current.Size != b.Current.Size || a.Current.Hash != b.Current.Hash) yield return (b.Current, false);
                hasA = a.MoveNext();
                hasB = b.MoveNext();
            }
        }
    }
}
