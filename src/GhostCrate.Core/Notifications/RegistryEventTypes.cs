namespace GhostCrate.Core.Notifications;

/// <summary>
/// The event types GhostCrate emits (docs/notifications.md). Names are part of the public contract: receivers filter
/// on them, so a name never changes meaning; a new shape gets a new name.
/// </summary>
public static class RegistryEventTypes
{
    public const string CratePublished = "crate.published";
    public const string CrateYanked = "crate.yanked";
    public const string CrateUnyanked = "crate.unyanked";
    public const string OwnersChanged = "owners.changed";
    public const string TokenCreated = "token.created";
    public const string TokenRevoked = "token.revoked";

    /// <summary>A live token expires within 7 days, then within 1 day (once per token and window).</summary>
    public const string TokenExpiring = "token.expiring";

    /// <summary>A `backup create` (server-run or from the CLI) finished and its manifest is written.</summary>
    public const string BackupSucceeded = "backup.succeeded";

    /// <summary>A `backup create` failed, or the server could not even open its target.</summary>
    public const string BackupFailed = "backup.failed";

    /// <summary>A new crate's name is close to an existing private crate or a popular crates.io crate (docs/security.md "Typosquats").</summary>
    public const string CrateTyposquatSuspected = "crate.typosquat_suspected";

    /// <summary>A new private version is held for an administrator's approval (docs/security.md "Approval hold"); crate.published follows on approval.</summary>
    public const string VersionHeld = "version.held";

    /// <summary>Someone joined an organization (accepted an invitation), left or was removed, or got another role.</summary>
    public const string OrgMemberChanged = "org.member_changed";

    /// <summary>A proxy upstream's circuit breaker opened (once per outage across nodes).</summary>
    public const string ProxyUpstreamDown = "proxy.upstream_down";

    /// <summary>The outage ended: a node's probe to the upstream succeeded and its circuit closed.</summary>
    public const string ProxyUpstreamUp = "proxy.upstream_up";

    /// <summary>A mirror operation run by the server (sync, toolchain sync, verify, repair, export) failed or was cancelled.</summary>
    public const string MirrorSyncFailed = "mirror.sync_failed";

    /// <summary>A mirror operation run by the server finished without a problem.</summary>
    public const string MirrorSyncSucceeded = "mirror.sync_succeeded";

    /// <summary>A user was invited to join an organization (the invitation awaits their answer).</summary>
    public const string UserInvited = "user.invited";

    /// <summary>An advisory affects a private, proxied or mirrored version: once per advisory and version, ever.</summary>
    public const string AdvisoryMatched = "advisory.matched";

    /// <summary>A version or a whole crate was deleted (tombstoned); carries the organizations that owned it.</summary>
    public const string CrateDeleted = "crate.deleted";

    /// <summary>Sent only by "send test event"; never caused by a change.</summary>
    public const string Test = "webhook.test";

    // One line per event, so that events added side by side merge cleanly.
    public static IReadOnlyList<string> All { get; } =
    [
        CratePublished,
        CrateYanked,
        CrateUnyanked,
        OwnersChanged,
        TokenCreated,
        TokenRevoked,
        TokenExpiring,
        BackupSucceeded,
        BackupFailed,
        OrgMemberChanged,
        ProxyUpstreamDown,
        ProxyUpstreamUp,
        CrateTyposquatSuspected,
        MirrorSyncFailed,
        MirrorSyncSucceeded,
        AdvisoryMatched,
        UserInvited,
        VersionHeld,
        CrateDeleted,
    ];
}
