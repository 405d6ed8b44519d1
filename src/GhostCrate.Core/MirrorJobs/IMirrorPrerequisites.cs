namespace GhostCrate.Core.MirrorJobs;

/// <summary>
/// What must hold before a mirror operation can work (the directory writable, enough free disk, the upstream reachable
/// through the SSRF guard, the keys it needs present). Implemented beside the mirror engine, which knows the layout.
/// </summary>
public interface IMirrorPrerequisites
{
    Task<IReadOnlyList<PrerequisiteCheck>> CheckAsync(MirrorJobRequest request, CancellationToken cancellationToken);
}
