namespace GhostCrate.Core.MirrorJobs;

/// <summary>
/// What must hold before a mirror operation can work (the directory writable, enough free disk, the upstream reachable
/// through the SSRF guard, the keys it needs present). Implemented beside the mirror engine, which knows the layout.
/// </summary>
public interface IMirrorPrerequisites
{
    /// <param name="estimate">
    /// Also estimate what a sync or toolchain sync would download and check the free disk against it (reads the
    /// selection's index files or channel manifests, so only when an administrator asks: the page's and the API's
    /// prerequisite check). Starting a run checks the cheap things only, with Mirror:MinFreeBytes as the disk floor.
    /// </param>
    Task<IReadOnlyList<PrerequisiteCheck>> CheckAsync(MirrorJobRequest request, bool estimate, CancellationToken cancellationToken);
}
