using System.Globalization;
using System.Text.Json;

namespace GhostCrate.Core.Notifications.Email;

/// <summary>What one email says, before it is laid out as text and as HTML (<see cref="EmailRenderer"/>).</summary>
public sealed record EmailContent(string Subject, IReadOnlyList<string> Paragraphs, string LinkLabel, Uri Link, string Reason);

/// <summary>The wording of each event's email. Values from the event are plain text here; the renderer escapes them.</summary>
public static class EmailTemplates
{
    /// <summary>Null for an event type that sends no email.</summary>
    public static EmailContent? Compose(RegistryEvent registryEvent, EmailLinks links)
    {
        switch (registryEvent.Type)
        {
            case RegistryEventTypes.CratePublished:
            {
                var data = Read<CratePublishedData>(registryEvent);
                var who = data.PublishedBy is { Length: > 0 } by ? by : "someone";
                return new EmailContent(
                    $"{data.Crate} {data.Version} was published",
                    [
                        data.NewCrate
                            ? $"{who} published {data.Crate} {data.Version}, the first version of this crate."
                            : $"{who} published version {data.Version} of {data.Crate}.",
                        $"Checksum (SHA-256): {data.Checksum}",
                        "If you did not expect this release, check who has publish rights on the crate and revoke any token that may have leaked.",
                    ],
                    $"View {data.Crate} {data.Version}", links.Crate(data.Crate, data.Version),
                    $"You receive this because you own {data.Crate}.");
            }
            case RegistryEventTypes.CrateYanked or RegistryEventTypes.CrateUnyanked:
            {
                var data = Read<CrateYankData>(registryEvent);
                var verb = data.Yanked ? "yanked" : "unyanked";
                return new EmailContent(
                    $"{data.Crate} {data.Version} was {verb}",
                    [
                        data.Yanked
                            ? $"Version {data.Version} of {data.Crate} was yanked: new lock files no longer pick it, existing ones still build."
                            : $"Version {data.Version} of {data.Crate} was unyanked and can be picked again.",
                        .. (data.Reason is { Length: > 0 } reason ? [$"Reason given: {reason}"] : Array.Empty<string>()),
                    ],
                    $"View {data.Crate}", links.Crate(data.Crate, data.Version),
                    $"You receive this because you own {data.Crate}.");
            }
            case RegistryEventTypes.CrateDeleted:
            {
                var data = Read<CrateDeletedData>(registryEvent);
                var by = data.DeletedBy is { Length: > 0 } who ? who : "someone";
                var why = data.Reason is { Length: > 0 } reason ? $" Reason given: {reason}" : "";
                return new EmailContent(
                    data.CrateDeleted ? $"{data.Crate} was deleted" : $"{data.Crate} {data.Version} was deleted",
                    [
                        data.CrateDeleted
                            ? $"{by} deleted the crate {data.Crate} and its versions ({string.Join(", ", data.Versions)}).{why}"
                            : $"{by} deleted version {data.Version} of {data.Crate}.{why}",
                        "Lock files that pin a deleted version no longer build from this registry; its name and version cannot be published again.",
                    ],
                    $"View {data.Crate}", links.Crate(data.Crate),
                    $"You receive this because of your interest in {data.Crate}.");
            }
            case RegistryEventTypes.OwnersChanged:
            {
                var data = Read<OwnersChangedData>(registryEvent);
                return new EmailContent(
                    data.Action == "added" ? $"{data.User} is now an owner of {data.Crate}" : $"{data.User} is no longer an owner of {data.Crate}",
                    [
                        data.Action == "added"
                            ? $"{data.User} was added to the owners of {data.Crate}."
                            : $"{data.User} was removed from the owners of {data.Crate}.",
                        $"Owners now: {(data.Owners.Count == 0 ? "none" : string.Join(", ", data.Owners))}.",
                    ],
                    $"View {data.Crate}", links.Crate(data.Crate),
                    $"You receive this because you own {data.Crate} (or did until this change).");
            }
            case RegistryEventTypes.TokenCreated:
            {
                var data = Read<TokenEventData>(registryEvent);
                return new EmailContent(
                    $"A new API token \"{data.Name}\" was created",
                    [
                        $"An API token named \"{data.Name}\" was created on your account {data.User}{Expiry(data.ExpiresAt)}.",
                        "If this was not you, revoke it now and change your password.",
                    ],
                    "Review your tokens", links.Tokens,
                    "You receive this because the token belongs to your account.");
            }
            case RegistryEventTypes.TokenExpiring:
            {
                var data = Read<TokenExpiringData>(registryEvent);
                return new EmailContent(
                    $"Your API token \"{data.Name}\" expires {(data.WindowDays <= 1 ? "tomorrow" : $"in {data.WindowDays} days")}",
                    [
                        $"The API token \"{data.Name}\" of your account {data.User}{Expiry(data.ExpiresAt)}.",
                        "Anything that still uses it (CI jobs, cargo on other machines) will be refused after that. Create a new token and replace it before then.",
                    ],
                    "Manage your tokens", links.Tokens,
                    "You receive this because the token belongs to your account.");
            }
            case RegistryEventTypes.BackupFailed:
            {
                var data = Read<BackupEventData>(registryEvent);
                return new EmailContent(
                    $"Backup to {data.Target} FAILED",
                    [
                        $"The backup to {data.Target} that started at {Utc(data.StartedAt)} UTC failed after {Seconds(data.DurationSeconds)} s.",
                        $"Reason: {data.Error ?? "none was recorded"}",
                        "Until a backup succeeds, the newest good backup is older than you think. The server log has the details; the backups page lists the runs and has \"Back up now\".",
                    ],
                    "Open the backups page", links.Backups,
                    "You receive this because you are an administrator of this registry.");
            }
            case RegistryEventTypes.BackupSucceeded:
            {
                var data = Read<BackupEventData>(registryEvent);
                return new EmailContent(
                    $"Backup {data.BackupId} to {data.Target} succeeded",
                    [
                        $"Backup {data.BackupId} to {data.Target} started at {Utc(data.StartedAt)} UTC, took {Seconds(data.DurationSeconds)} s and holds {Protocol.Formatting.ByteSize.Format(data.Bytes)}.",
                    ],
                    "Open the backups page", links.Backups,
                    "You receive this because you are an administrator of this registry and turned these emails on.");
            }
            case RegistryEventTypes.AdvisoryMatched:
            {
                var data = Read<AdvisoryMatchedData>(registryEvent);
                var kind = data.Informational is { } info ? $"warning ({info})" : $"vulnerability (severity: {data.Severity})";
                return new EmailContent(
                    $"{data.AdvisoryId} affects {data.Crate} {data.Version}",
                    [
                        $"The security advisory {data.AdvisoryId}{Aliases(data.Aliases)}, a {kind}, affects version {data.Version} of {data.Crate}: {data.Title}",
                        data.PatchedVersions.Count == 0
                            ? "No fixed version is listed."
                            : $"Fixed in: {string.Join(", ", data.PatchedVersions)}. Publish a fixed version, and consider yanking the affected one.",
                        $"Advisory: {data.Url}",
                    ],
                    $"View {data.Crate} {data.Version}", links.Crate(data.Crate, data.Version),
                    $"You receive this because you own {data.Crate}.");
            }
            case RegistryEventTypes.OrgMemberChanged:
            {
                var data = Read<OrgMemberChangedData>(registryEvent);
                var (subject, line) = data.Action switch
                {
                    "added" => ($"{data.User} joined {data.Org}", $"{data.User} joined the organization {data.Org} as {data.Role}."),
                    "removed" => ($"{data.User} left {data.Org}", $"{data.User} is no longer a member of the organization {data.Org} (was {data.PreviousRole})."),
                    _ => ($"{data.User} is now {data.Role} of {data.Org}", $"{data.User}'s role in the organization {data.Org} changed from {data.PreviousRole} to {data.Role}."),
                };
                return new EmailContent(subject, [line], $"View {data.Org}", links.Org(data.Org),
                    $"You receive this because you own {data.Org}, or the change is about you.");
            }
            case RegistryEventTypes.UserInvited:
            {
                var data = Read<UserInvitedData>(registryEvent);
                return new EmailContent(
                    $"You are invited to join {data.Org}",
                    [
                        $"{data.InvitedBy ?? "An owner"} invited you ({data.User}) to join the organization {data.Org} as {data.Role}.",
                        $"Accept or decline it on the organizations page before {data.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; until then nothing changes.",
                    ],
                    "Answer the invitation", links.Invitations,
                    "You receive this because the invitation is addressed to you.");
            }
            case RegistryEventTypes.ProxyUpstreamDown or RegistryEventTypes.ProxyUpstreamUp:
            {
                var data = Read<ProxyUpstreamData>(registryEvent);
                var since = data.Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
                return registryEvent.Type == RegistryEventTypes.ProxyUpstreamDown
                    ? new EmailContent(
                        $"Proxy upstream {data.Upstream} is down",
                        [
                            $"The proxy upstream {data.Upstream} stopped answering at {since} UTC: {data.Error ?? "no reason was recorded"}",
                            "Cached crates are still served; crates and versions not cached yet cannot be fetched until it is back.",
                        ],
                        "Open the administration", links.Admin,
                        "You receive this because you are an administrator of this registry.")
                    : new EmailContent(
                        $"Proxy upstream {data.Upstream} is back",
                        [$"The proxy upstream {data.Upstream} answers again since {since} UTC."],
                        "Open the administration", links.Admin,
                        "You receive this because you are an administrator of this registry.");
            }
            case RegistryEventTypes.VersionHeld:
            {
                var data = Read<VersionHeldData>(registryEvent);
                var who = data.PublishedBy is { Length: > 0 } by ? by : "someone";
                return new EmailContent(
                    $"{data.Crate} {data.Version} waits for your approval",
                    [
                        $"{who} published {(data.NewCrate ? "the first version" : "version")} {data.Version} of {data.Crate}, and it is held for an administrator's approval: {data.Reason}",
                        "Nobody can download it until it is approved; a rejection deletes it.",
                    ],
                    "Review held versions", links.Held,
                    "You receive this because you are an administrator of this registry.");
            }
            case RegistryEventTypes.CrateTyposquatSuspected:
            {
                var data = Read<TyposquatSuspectedData>(registryEvent);
                var who = data.PublishedBy is { Length: > 0 } by ? by : "someone";
                var similar = string.Join(", ", data.Similar.Select(s => $"{s.Name} ({s.Rule}{(s.Popular ? ", popular on crates.io" : "")})"));
                return new EmailContent(
                    $"{data.Crate} looks like {(data.Similar.Count > 0 ? data.Similar[0].Name : "another crate")}",
                    [
                        $"{who} published the new crate {data.Crate} {data.Version}, whose name is close to: {similar}.",
                        "If it is meant to be mistaken for one of those, yank or delete it and check who published it.",
                    ],
                    $"View {data.Crate}", links.Crate(data.Crate, data.Version),
                    "You receive this because you are an administrator of this registry.");
            }
            case RegistryEventTypes.MirrorSyncFailed:
            {
                var data = Read<MirrorRunEventData>(registryEvent);
                return new EmailContent(
                    $"Mirror {data.Operation} of {data.Directory} {data.State.ToUpperInvariant()}",
                    [
                        $"The mirror operation {data.Operation} (run {data.RunId}) of {data.Directory} ended {data.State} at {Utc(data.FinishedAt)} UTC, after {data.FilesDone} of {data.FilesTotal} files.",
                        $"Reason: {data.Error ?? "none was recorded"}",
                        "The mirror keeps what the last good run left; the mirror page has this run's log and can start it again.",
                    ],
                    "Open the mirror page", links.Mirror,
                    "You receive this because you are an administrator of this registry.");
            }
            default:
                return null;
        }
    }

    private static string Aliases(IReadOnlyList<string> aliases) => aliases.Count == 0 ? "" : $" ({string.Join(", ", aliases)})";

    private static string Expiry(DateTimeOffset? expiresAt) =>
        expiresAt is { } at ? $" and expires on {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC" : ", without an expiry date";

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Seconds(double seconds) => seconds.ToString("F1", CultureInfo.InvariantCulture);

    private static T Read<T>(RegistryEvent registryEvent) =>
        registryEvent.Data.Deserialize<T>(RegistryEvent.JsonOptions) ?? throw new JsonException($"{registryEvent.Type} event {registryEvent.Id} has no data");
}
