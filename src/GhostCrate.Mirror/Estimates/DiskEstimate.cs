using System.Globalization;
using GhostCrate.Protocol.Formatting;

namespace GhostCrate.Mirror.Estimates;

/// <summary>
/// What the next sync of a selection would add to the disk: an estimate, not a promise. Cargo's index and rustup's
/// channel manifests carry no file sizes, so each file the mirror lacks is sized from what is known
/// (docs/mirror-in-10-minutes.md, "How much disk"): exactly when the upstream told its size (a HEAD request), else the
/// mean of the same crate's versions already in the mirror, else the mean of a random sample of the other missing
/// files the upstream was asked about. Files nothing could size are counted in <see cref="Unsized"/> and left out of
/// the bytes.
/// </summary>
/// <param name="FilesNeeded">Files the next run would download.</param>
/// <param name="FilesPresent">Selected files the mirror already has (read this run).</param>
/// <param name="BytesPresent">Their size on disk.</param>
/// <param name="EstimatedBytes">The files needed, estimated.</param>
/// <param name="Exact">Files whose own size the upstream answered.</param>
/// <param name="BySiblings">Files sized by the mean of their crate's versions in the mirror.</param>
/// <param name="BySample">Files sized by the mean of the sampled files.</param>
/// <param name="Unsized">Files no size could be given to (not in <see cref="EstimatedBytes"/>).</param>
/// <param name="IndexBytes">Index files and manifests the run writes (an upper bound: the served copy keeps only selected lines).</param>
/// <param name="Problems">Index files or manifests that could not be read (their files are not counted).</param>
public sealed record DiskEstimate(
    long FilesNeeded,
    long FilesPresent,
    long BytesPresent,
    long EstimatedBytes,
    long Exact,
    long BySiblings,
    long BySample,
    long Unsized,
    long IndexBytes,
    IReadOnlyList<string> Problems)
{
    /// <summary>The served index (or channel manifests) against the upstream's, from the same reads.</summary>
    public IndexFreshness? Freshness { get; init; }

    /// <summary>What the run needs on disk: the files it downloads and the index it writes.</summary>
    public long TotalBytes => EstimatedBytes + IndexBytes;

    /// <summary>One line for a person: "about 1.2 GiB: 3400 file(s) to download (..."</summary>
    public string Describe()
    {
        var basis = new List<string>();
        if (Exact > 0) basis.Add($"{Count(Exact)} sized by the upstream");
        if (BySiblings > 0) basis.Add($"{Count(BySiblings)} from the crate's versions already here");
        if (BySample > 0) basis.Add($"{Count(BySample)} from the mean of a sample");
        if (Unsized > 0) basis.Add($"{Count(Unsized)} of unknown size, not counted");
        var text = $"about {ByteSize.Format(TotalBytes)}: {Count(FilesNeeded)} file(s) to download ({ByteSize.Format(EstimatedBytes)}" +
            (basis.Count > 0 ? $"; {string.Join(", ", basis)}" : "") + $"), {ByteSize.Format(IndexBytes)} of index; " +
            $"{Count(FilesPresent)} selected file(s) already present ({ByteSize.Format(BytesPresent)})";
        return Problems.Count > 0 ? $"{text}; {Problems.Count} not readable, not counted" : text;
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
