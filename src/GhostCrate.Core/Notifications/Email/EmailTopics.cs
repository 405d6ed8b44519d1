namespace GhostCrate.Core.Notifications.Email;

/// <summary>
/// One kind of email a user can turn on or off (the settings page lists them in this order). <paramref name="OnByDefault"/>:
/// whether a user who never chose gets it; <paramref name="ForAdministrators"/>: only administrators get it (and see it).
/// </summary>
public sealed record EmailTopic(string Name, string Label, bool OnByDefault = true, bool ForAdministrators = false);

/// <summary>
/// The kinds of email GhostCrate sends. A topic is named after the event that causes it (yanks and unyanks share
/// one). Topics are on until the user turns them off: owners hear about their crates and every user about their
/// own tokens, as crates.io does for publishes and tokens. Administrators hear about failed backups, versions waiting
/// for their approval, failed mirror runs and suspected typosquats (things they must act on); a successful
/// backup mails only those who turn it on (a nightly "it worked" teaches people to ignore the backup mails).
/// </summary>
public static class EmailTopics
{
    public static IReadOnlyList<EmailTopic> All { get; } =
    [
        new(RegistryEventTypes.CratePublished, "A new version of a crate I own is published"),
        new(RegistryEventTypes.CrateYanked, "A version of a crate I own is yanked or unyanked"),
        new(RegistryEventTypes.OwnersChanged, "The owners of a crate I own change"),
        new(RegistryEventTypes.TokenCreated, "An API token is created on my account"),
        new(RegistryEventTypes.TokenExpiring, "One of my API tokens expires soon (7 days and 1 day before)"),
        new(RegistryEventTypes.BackupFailed, "A backup of the registry fails (administrators)", ForAdministrators: true),
        new(RegistryEventTypes.BackupSucceeded, "A backup of the registry succeeds (administrators)", OnByDefault: false, ForAdministrators: true),
        new(RegistryEventTypes.AdvisoryMatched, "A security advisory affects a version of a crate I own"),
        new(RegistryEventTypes.UserInvited, "I am invited to join an organization"),
        new(RegistryEventTypes.OrgMemberChanged, "Someone joins or leaves an organization I own, or my own membership changes"),
        new(RegistryEventTypes.ProxyUpstreamDown, "A proxy upstream goes down or comes back (administrators)", ForAdministrators: true),
        new(RegistryEventTypes.VersionHeld, "A new version waits for my approval (administrators)", ForAdministrators: true),
        new(RegistryEventTypes.MirrorSyncFailed, "A mirror operation run by the server fails (administrators)", ForAdministrators: true),
        new(RegistryEventTypes.CrateTyposquatSuspected, "A new crate's name looks like another crate's (administrators)", ForAdministrators: true),
        new(FollowedPublished, "A new version of a crate I follow is published"),
        new(FollowedYanked, "A version of a crate I follow is yanked or unyanked"),
        new(FollowedDeleted, "A crate I follow, or one of its versions, is deleted"),
        new(FollowedAdvisory, "A security advisory affects a version of a crate I follow"),
    ];

    // Followers' topics (Core/Following): apart from the owners' ones, so an owner who follows other people's crates
    // can keep hearing about their own releases and silence the rest, or the other way round.
    public const string FollowedPublished = "followed.crate.published";
    public const string FollowedYanked = "followed.crate.yanked";
    public const string FollowedDeleted = "followed.crate.deleted";
    public const string FollowedAdvisory = "followed.advisory.matched";

    /// <summary>The topic under which a follower of the event's crate is mailed; null for events followers are not told.</summary>
    public static string? ForFollowers(string eventType) => eventType switch
    {
        RegistryEventTypes.CratePublished => FollowedPublished,
        RegistryEventTypes.CrateYanked or RegistryEventTypes.CrateUnyanked => FollowedYanked,
        RegistryEventTypes.CrateDeleted => FollowedDeleted,
        RegistryEventTypes.AdvisoryMatched => FollowedAdvisory,
        _ => null,
    };

    /// <summary>Whether <paramref name="topic"/> is one of the followers' topics.</summary>
    public static bool IsFollowerTopic(string topic) => topic is FollowedPublished or FollowedYanked or FollowedDeleted or FollowedAdvisory;

    /// <summary>The topics offered to a user: administrators' topics only to administrators.</summary>
    public static IReadOnlyList<EmailTopic> For(bool isAdmin) => [.. All.Where(t => isAdmin || !t.ForAdministrators)];

    /// <summary>The topic an event belongs to; null for events that send no email.</summary>
    public static string? For(string eventType) => eventType switch
    {
        RegistryEventTypes.CratePublished => RegistryEventTypes.CratePublished,
        RegistryEventTypes.CrateYanked or RegistryEventTypes.CrateUnyanked => RegistryEventTypes.CrateYanked,
        RegistryEventTypes.OwnersChanged => RegistryEventTypes.OwnersChanged,
        RegistryEventTypes.TokenCreated => RegistryEventTypes.TokenCreated,
        RegistryEventTypes.TokenExpiring => RegistryEventTypes.TokenExpiring,
        RegistryEventTypes.BackupFailed => RegistryEventTypes.BackupFailed,
        RegistryEventTypes.BackupSucceeded => RegistryEventTypes.BackupSucceeded,
        RegistryEventTypes.AdvisoryMatched => RegistryEventTypes.AdvisoryMatched,
        RegistryEventTypes.OrgMemberChanged => RegistryEventTypes.OrgMemberChanged,
        RegistryEventTypes.UserInvited => RegistryEventTypes.UserInvited,
        RegistryEventTypes.ProxyUpstreamDown or RegistryEventTypes.ProxyUpstreamUp => RegistryEventTypes.ProxyUpstreamDown,
        RegistryEventTypes.VersionHeld => RegistryEventTypes.VersionHeld,
        RegistryEventTypes.MirrorSyncFailed => RegistryEventTypes.MirrorSyncFailed,
        RegistryEventTypes.CrateTyposquatSuspected => RegistryEventTypes.CrateTyposquatSuspected,
        _ => null,
    };

    public static bool IsKnown(string topic) => All.Any(t => t.Name == topic);

    /// <summary>Whether the user wants <paramref name="topic"/>: their choice, or the topic's default when they made none.</summary>
    public static bool IsOn(IReadOnlyDictionary<string, bool> choices, string topic) =>
        choices.TryGetValue(topic, out var on) ? on : All.FirstOrDefault(t => t.Name == topic)?.OnByDefault ?? true;

    /// <summary>The topics <paramref name="user"/> can get: administrators' topics only for administrators.</summary>
    public static IEnumerable<EmailTopic> For(Identity.UserRecord user) => All.Where(t => !t.ForAdministrators || user.IsAdmin);
}
