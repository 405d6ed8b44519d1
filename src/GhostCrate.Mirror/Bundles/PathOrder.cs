namespace GhostCrate.Mirror.Bundles;

/// <summary>
/// Orders relative paths segment by segment (ordinal), which is the order of a sorted depth-first walk: two sorted
/// file lists can then be merged without holding either in memory.
/// </summary>
public sealed class PathOrder : IComparer<string>
{
    public static PathOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var a = (x ?? "").Split('/');
        var b = (y ?? "").Split('/');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var c = string.CompareOrdinal(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }
}
