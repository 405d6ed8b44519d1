namespace GhostCrate.Core.Notifications;

// The "data" member of each event type, serialised with snake_case names (RegistryEvent.JsonOptions). Members are
// only ever added, never renamed or removed: receivers parse these.

/// <summary>crate.published: a version was published (<see cref="NewCrate"/> when it was the crate's first).</summary>
public sealed record CratePublishedData(string Crate, string Version, string Checksum, long Size, string? PublishedBy, bool NewCrate);

/// <summary>crate.yanked and crate.unyanked: <see cref="Reason"/> is the yank's message (crates.io's yank_message), if one was given.</summary>
public sealed record CrateYankData(string Crate, string Version, bool Yanked, string? Reason = null);

/// <summary>owners.changed: <see cref="Action"/> is "added" or "removed"; <see cref="Owners"/> is the list afterwards.</summary>
public sealed record OwnersChangedData(string Crate, string Action, string User, IReadOnlyList<string> Owners);

/// <summary>token.created and token.revoked: never the token's secret or hash.</summary>
public sealed record TokenEventData(long TokenId, string Name, string User, DateTimeOffset? ExpiresAt);

/// <summary>token.expiring: <see cref="WindowDays"/> is the warning (7 or 1 days before <see cref="ExpiresAt"/>).</summary>
public sealed record TokenExpiringData(long TokenId, string Name, string User, DateTimeOffset? ExpiresAt, int WindowDays);

/// <summary>
/// backup.succeeded and backup.failed: where to, which backup (null when it failed before it had one), how long, how
/// many bytes it holds (0 for a failure) and, for a failure, why. The target is a directory or s3:// prefix, never a key.
/// </summary>
public sealed record BackupEventData(string Target, string? BackupId, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, double DurationSeconds, long Bytes, string? Error);

/// <summary>crate.typosquat_suspected: the new crate and the names it resembles (<see cref="SimilarCrate.Rule"/> in snake_case).</summary>
public sealed record TyposquatSuspectedData(string Crate, string Version, string? PublishedBy, IReadOnlyList<SimilarCrate> Similar);

/// <summary>version.held: the version waiting for approval, who published it, why it is held, and whether it is the crate's first.</summary>
public sealed record VersionHeldData(string Crate, string Version, string? PublishedBy, string Reason, bool NewCrate);

/// <summary>One name a new crate resembles; <see cref="Popular"/>: a crates.io name from the vendored list, else a private crate.</summary>
public sealed record SimilarCrate(string Name, string Rule, bool Popular);

/// <summary>
/// org.member_changed: <see cref="Action"/> is "added" (an invitation was accepted), "removed" (left or removed) or
/// "role_changed"; <see cref="Role"/> is the role afterwards (null when removed), <see cref="PreviousRole"/> before
/// (null when added). <see cref="Org"/> routes the event to the organization's own webhook endpoints.
/// </summary>
public sealed record OrgMemberChangedData(string Org, string User, string Action, string? Role, string? PreviousRole);

/// <summary>
/// proxy.upstream_down and proxy.upstream_up: which upstream (its name under Proxy:Upstreams), since when, and for
/// "down" the failure that opened the circuit (null for "up").
/// </summary>
public sealed record ProxyUpstreamData(string Upstream, DateTimeOffset Since, string? Error);

/// <summary>
/// mirror.sync_failed and mirror.sync_succeeded: which operation on which mirror directory, its run (GET
/// /api/v1/admin/mirror/runs/{id}), how it ended ("failed", "cancelled" or "succeeded"), its counters, and for a
/// failure why.
/// </summary>
public sealed record MirrorRunEventData(long RunId, string Operation, string Directory, string State, DateTimeOffset? StartedAt, DateTimeOffset FinishedAt,
    long FilesDone, long FilesTotal, long Bytes, string Summary, string? Error);

/// advisory.matched: the advisory (its RustSec id, aliases such as CVE and GHSA ids, <see cref="Severity"/> from its
/// CVSS vector in lower case, "unknown" without one; <see cref="Informational"/> "unmaintained", "unsound", ... for
/// warnings, null for vulnerabilities) and the version it affects in <see cref="Source"/> ("private",
/// "proxy:&lt;upstream&gt;", "mirror"); <see cref="PatchedVersions"/> are the advisory's version requirements that fix it.
/// </summary>
public sealed record AdvisoryMatchedData(
    string AdvisoryId, IReadOnlyList<string> Aliases, string Severity, string? Informational, string Title, string? Url,
    string Crate, string Version, string Source, IReadOnlyList<string> PatchedVersions);

/// <summary>
/// user.invited: <see cref="User"/> was invited to join <see cref="Org"/> with <see cref="Role"/> by
/// <see cref="InvitedBy"/> (null when that account is gone); the invitation lapses at <see cref="ExpiresAt"/>.
/// </summary>
public sealed record UserInvitedData(string Org, string User, string Role, string? InvitedBy, DateTimeOffset ExpiresAt, long InvitationId);

/// <summary>
/// crate.deleted: <see cref="Version"/> is null when the whole crate was deleted; <see cref="Versions"/> lists every
/// version removed. <see cref="OrgOwners"/> names the organizations that owned it (directly or through a team), so
/// their webhooks still hear of it once the ownership rows are gone.
/// </summary>
public sealed record CrateDeletedData(string Crate, string? Version, IReadOnlyList<string> Versions, bool CrateDeleted, string? DeletedBy, string? Reason, IReadOnlyList<string> OrgOwners);

/// <summary>webhook.test.</summary>
public sealed record TestEventData(string Message);
