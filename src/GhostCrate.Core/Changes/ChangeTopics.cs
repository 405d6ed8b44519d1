namespace GhostCrate.Core.Changes;

/// <summary>
/// The topics of the change feed (<see cref="IChangeFeed"/>). On PostgreSQL a topic is the payload of the NOTIFY that a
/// write queues in its transaction (delivered at commit, never for a rollback:
/// https://www.postgresql.org/docs/current/sql-notify.html); a payload this version does not know wakes every topic.
/// </summary>
public static class ChangeTopics
{
    /// <summary>An index file was written (Data/Index's change counter moved).</summary>
    public const string Index = "index";

    /// <summary>Something an access decision rests on changed (the access epoch's triggers, migration 0012).</summary>
    public const string Access = "access";

    /// <summary>A job was queued (Data/Jobs).</summary>
    public const string Jobs = "jobs";

    /// <summary>Something a download verdict rests on changed (the policy epoch's triggers, migration 0019).</summary>
    public const string Policy = "policy";

    /// <summary>The branding set from the admin UI changed (the branding row's revision moved, migration 0032).</summary>
    public const string Branding = "branding";

    /// <summary>
    /// A custom toolchain was uploaded or deleted: its release record in the blob store changed (Mirror/Toolchains/Custom).
    /// No counter goes with it: the record is the state, so a catch-up forgets what it read and reads it again.
    /// </summary>
    public const string Toolchains = "toolchains";

    /// <summary>Every topic this version knows.</summary>
    public static IReadOnlyList<string> All { get; } = [Index, Access, Jobs, Policy, Branding, Toolchains];
}
