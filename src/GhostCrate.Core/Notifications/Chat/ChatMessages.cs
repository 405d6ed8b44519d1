using System.Globalization;
using System.Text.Json;
using GhostCrate.Core.Notifications.Email;

namespace GhostCrate.Core.Notifications.Chat;

/// <summary>What a chat message says about one event: a title, a few plain-text lines, and a link back to the registry.</summary>
public sealed record ChatMessage(string Title, IReadOnlyList<string> Lines, string? LinkLabel, Uri? Link);

/// <summary>
/// The wording of events in chat rooms (Slack, Microsoft Teams). Unlike emails these are read by a team, so they say
/// who did what rather than "you"; values stay plain text here and each payload builder escapes them for its format.
/// </summary>
public static class ChatMessages
{
    public static ChatMessage Compose(RegistryEvent registryEvent, EmailLinks links)
    {
        var data = registryEvent.Data;
        switch (registryEvent.Type)
        {
            case RegistryEventTypes.CratePublished:
            {
                var d = data.Deserialize<CratePublishedData>(RegistryEvent.JsonOptions)!;
                return new ChatMessage(
                    $"{d.Crate} {d.Version} published",
                    [$"{d.PublishedBy ?? "someone"} published {(d.NewCrate ? "the first version of " : "")}{d.Crate} {d.Version}."],
                    $"View {d.Crate} {d.Version}", links.Crate(d.Crate, d.Version));
            }
            case RegistryEventTypes.CrateYanked or RegistryEventTypes.CrateUnyanked:
            {
                var d = data.Deserialize<CrateYankData>(RegistryEvent.JsonOptions)!;
                var verb = d.Yanked ? "yanked" : "unyanked";
                return new ChatMessage($"{d.Crate} {d.Version} {verb}",
                    [$"Version {d.Version} of {d.Crate} was {verb}.", .. (d.Reason is { Length: > 0 } reason ? [$"Reason given: {reason}"] : Array.Empty<string>())],
                    $"View {d.Crate}", links.Crate(d.Crate, d.Version));
            }
            case RegistryEventTypes.OwnersChanged:
            {
                var d = data.Deserialize<OwnersChangedData>(RegistryEvent.JsonOptions)!;
                return new ChatMessage(
                    $"Owners of {d.Crate} changed",
                    [$"{d.User} was {(d.Action == "added" ? "added to" : "removed from")} the owners of {d.Crate}.", $"Owners now: {(d.Owners.Count == 0 ? "none" : string.Join(", ", d.Owners))}."],
                    $"View {d.Crate}", links.Crate(d.Crate));
            }
            case RegistryEventTypes.TokenCreated or RegistryEventTypes.TokenRevoked:
            {
                var d = data.Deserialize<TokenEventData>(RegistryEvent.JsonOptions)!;
                var verb = registryEvent.Type == RegistryEventTypes.TokenCreated ? "created" : "revoked";
                return new ChatMessage($"API token {verb}", [$"{d.User}'s API token \"{d.Name}\" was {verb}."], null, null);
            }
            case RegistryEventTypes.TokenExpiring:
            {
                var d = data.Deserialize<TokenExpiringData>(RegistryEvent.JsonOptions)!;
                var when = d.ExpiresAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "soon";
                return new ChatMessage("API token expiring", [$"{d.User}'s API token \"{d.Name}\" expires on {when}."], null, null);
            }
            case RegistryEventTypes.BackupSucceeded or RegistryEventTypes.BackupFailed:
            {
                var d = data.Deserialize<BackupEventData>(RegistryEvent.JsonOptions)!;
                var seconds = d.DurationSeconds.ToString("0.#", CultureInfo.InvariantCulture);
                return registryEvent.Type == RegistryEventTypes.BackupSucceeded
                    ? new ChatMessage("Backup succeeded", [$"Backup {d.BackupId} to {d.Target} took {seconds} s and holds {Protocol.Formatting.ByteSize.Format(d.Bytes)}."], "Open the backups page", links.Backups)
                    : new ChatMessage("Backup FAILED", [$"The backup to {d.Target} failed after {seconds} s.", d.Error ?? "no reason was recorded"], "Open the backups page", links.Backups);
            }
            case RegistryEventTypes.CrateTyposquatSuspected:
            {
                var d = data.Deserialize<TyposquatSuspectedData>(RegistryEvent.JsonOptions)!;
                return new ChatMessage(
                    $"{d.Crate} may be a typosquat",
                    [$"{d.PublishedBy ?? "someone"} published the new crate {d.Crate} {d.Version}, whose name is close to {string.Join(", ", d.Similar.Select(s => s.Name))}."],
                    $"View {d.Crate} {d.Version}", links.Crate(d.Crate, d.Version));
            }
            case RegistryEventTypes.AdvisoryMatched:
            {
                var d = data.Deserialize<AdvisoryMatchedData>(RegistryEvent.JsonOptions)!;
                var fixedIn = d.PatchedVersions.Count == 0 ? "no fixed version is listed" : $"fixed in {string.Join(", ", d.PatchedVersions)}";
                return new ChatMessage(
                    $"{d.AdvisoryId} affects {d.Crate} {d.Version}",
                    [$"{d.AdvisoryId} ({d.Informational ?? d.Severity}) affects {d.Crate} {d.Version} ({d.Source}): {d.Title}; {fixedIn}."],
                    d.Source == Advisories.VersionSources.Private ? $"View {d.Crate} {d.Version}" : $"Read {d.AdvisoryId}",
                    d.Source == Advisories.VersionSources.Private ? links.Crate(d.Crate, d.Version) : d.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var u) ? u : null);
            }
            case RegistryEventTypes.UserInvited:
            {
                var d = data.Deserialize<UserInvitedData>(RegistryEvent.JsonOptions)!;
                return new ChatMessage($"{d.Org}: {d.User} invited", [$"{d.InvitedBy ?? "An owner"} invited {d.User} to join {d.Org} as {d.Role}."], $"View {d.Org}", links.Org(d.Org));
            }
            case RegistryEventTypes.OrgMemberChanged:
            {
                var d = data.Deserialize<OrgMemberChangedData>(RegistryEvent.JsonOptions)!;
                var line = d.Action switch
                {
                    "added" => $"{d.User} joined {d.Org} as {d.Role}.",
                    "removed" => $"{d.User} left {d.Org}.",
                    _ => $"{d.User} is now {d.Role} of {d.Org} (was {d.PreviousRole}).",
                };
                return new ChatMessage($"{d.Org}: membership changed", [line], $"View {d.Org}", links.Org(d.Org));
            }
            case RegistryEventTypes.ProxyUpstreamDown or RegistryEventTypes.ProxyUpstreamUp:
            {
                var d = data.Deserialize<ProxyUpstreamData>(RegistryEvent.JsonOptions)!;
                return registryEvent.Type == RegistryEventTypes.ProxyUpstreamDown
                    ? new ChatMessage($"Proxy upstream {d.Upstream} is down", [d.Error ?? "no reason was recorded"], "Open the administration", links.Admin)
                    : new ChatMessage($"Proxy upstream {d.Upstream} is back", [$"{d.Upstream} answers again."], "Open the administration", links.Admin);
            }
            case RegistryEventTypes.VersionHeld:
            {
                var d = data.Deserialize<VersionHeldData>(RegistryEvent.JsonOptions)!;
                return new ChatMessage(
                    $"{d.Crate} {d.Version} waits for approval",
                    [$"{d.PublishedBy ?? "someone"} published {d.Crate} {d.Version}; it is held until an administrator approves it: {d.Reason}."],
                    "Review held versions", links.Held);
            }
            case RegistryEventTypes.Test:
            {
                var d = data.Deserialize<TestEventData>(RegistryEvent.JsonOptions)!;
                return new ChatMessage("GhostCrate test message", [d.Message], "Open the registry", links.Home);
            }
            default:
                return new ChatMessage(registryEvent.Type, [data.GetRawText()], null, null);
        }
    }
}
