namespace GhostCrate.Core.Policy;

/// <summary>Why a download is refused: a sentence for cargo's error envelope, and the advisories behind it (if any).</summary>
public sealed record DownloadRefusal(string Detail, IReadOnlyList<string> AdvisoryIds);
