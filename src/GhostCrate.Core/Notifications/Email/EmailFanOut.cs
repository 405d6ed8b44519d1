using System.Text.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Notifications.Email;

/// <summary>
/// Part of running an outbox event: queues one "email.send" job per person the event concerns (docs/notifications.md
/// "Email": a crate's owners, plus an owner who was just removed; the token's user; an organization's owners and the
/// member; the owners of a private crate an advisory affects; administrators for a backup's result, the proxy's
/// upstreams, held versions, failed mirror runs and suspected typosquats; followers of the crate, Core/Following). Each job's dedup key is event + user, so a fan-out that
/// runs twice (a lease expired) queues no second email while the first is unsent. Choices are checked here and again
/// when the email is sent (a user may unsubscribe in between).
/// </summary>
public sealed class EmailFanOut(
    IEmailPreferenceRepository preferences,
    IUserRepository users,
    IJobRepository jobs,
    Following.FollowerRecipients followers,
    IOptions<EmailOptions> options,
    TimeProvider time)
{
    public async Task<int> QueueAsync(RegistryEvent registryEvent, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled) return 0;
        var queued = 0;
        var recipients = new HashSet<long>();
        if (EmailTopics.For(registryEvent.Type) is { } topic)
        {
            recipients.UnionWith(await RecipientsAsync(registryEvent, cancellationToken));
            foreach (var userId in recipients.Order())
            {
                if (!EmailTopics.IsOn(await preferences.GetAsync(userId, cancellationToken), topic)) continue;
                if (await jobs.EnqueueAsync(EmailSendHandler.Job(userId, registryEvent), time.GetUtcNow(), cancellationToken) is not null) queued++;
            }
        }
        if (EmailTopics.ForFollowers(registryEvent.Type) is { } followerTopic && FollowersAreTold(registryEvent))
        {
            // Owners hear as owners (or not, by their choice), never a second time as followers.
            if (registryEvent.CrateName is { } crate) recipients.UnionWith(await preferences.CrateOwnerIdsAsync(crate, cancellationToken));
            foreach (var userId in await followers.ForEventAsync(registryEvent, cancellationToken))
            {
                if (recipients.Contains(userId) || !EmailTopics.IsOn(await preferences.GetAsync(userId, cancellationToken), followerTopic)) continue;
                if (await jobs.EnqueueAsync(EmailSendHandler.Job(userId, registryEvent, followerTopic), time.GetUtcNow(), cancellationToken) is not null) queued++;
            }
        }
        return queued;
    }

    // A follower follows a crate of this registry: an advisory about a proxied crates.io crate of the same name is not about it.
    private static bool FollowersAreTold(RegistryEvent registryEvent) =>
        registryEvent.Type != RegistryEventTypes.AdvisoryMatched || StringMember(registryEvent, "source") == Advisories.VersionSources.Private;

    private async Task<IReadOnlyCollection<long>> RecipientsAsync(RegistryEvent registryEvent, CancellationToken cancellationToken)
    {
        var recipients = new HashSet<long>();
        switch (registryEvent.Type)
        {
            case RegistryEventTypes.AdvisoryMatched:
                // Only a private crate has owners here; a proxied or mirrored crates.io crate of the same name is not theirs.
                if (StringMember(registryEvent, "source") == Advisories.VersionSources.Private && registryEvent.CrateName is { } affected)
                    recipients.UnionWith(await preferences.CrateOwnerIdsAsync(affected, cancellationToken));
                break;
            case RegistryEventTypes.OrgMemberChanged:
                // The organization's owners, and the member it is about (also when removed: they should know).
                if (registryEvent.OrgName is { } org) recipients.UnionWith(await preferences.OrgOwnerIdsAsync(org, cancellationToken));
                await AddUserAsync(recipients, registryEvent, cancellationToken);
                break;
            case RegistryEventTypes.ProxyUpstreamDown or RegistryEventTypes.ProxyUpstreamUp
                or RegistryEventTypes.VersionHeld or RegistryEventTypes.MirrorSyncFailed or RegistryEventTypes.CrateTyposquatSuspected:
                // Administrators' business: a held version is theirs to approve, not the publisher's to hear about again.
                recipients.UnionWith(await preferences.AdministratorIdsAsync(cancellationToken));
                break;
            case RegistryEventTypes.TokenCreated or RegistryEventTypes.TokenExpiring or RegistryEventTypes.UserInvited:
                // A token's user, and the person invited, are the only ones told.
                await AddUserAsync(recipients, registryEvent, cancellationToken);
                break;
            case RegistryEventTypes.OwnersChanged:
                // The owners afterwards, and an owner who was just removed.
                recipients.UnionWith(await preferences.CrateOwnerIdsAsync(registryEvent.CrateName ?? "", cancellationToken));
                await AddUserAsync(recipients, registryEvent, cancellationToken);
                break;
            default:
                if (registryEvent.CrateName is { } crate) recipients.UnionWith(await preferences.CrateOwnerIdsAsync(crate, cancellationToken));
                break;
        }
        if (registryEvent.Type is RegistryEventTypes.BackupFailed or RegistryEventTypes.BackupSucceeded)
        {
            recipients.UnionWith(await preferences.AdministratorIdsAsync(cancellationToken));
        }
        return recipients;
    }

    private async Task AddUserAsync(HashSet<long> recipients, RegistryEvent registryEvent, CancellationToken cancellationToken)
    {
        if (StringMember(registryEvent, "user") is { } name && await users.FindByNameAsync(name, cancellationToken) is { } person)
            recipients.Add(person.Id);
    }

    private static string? StringMember(RegistryEvent registryEvent, string name) =>
        registryEvent.Data.ValueKind == JsonValueKind.Object
        && registryEvent.Data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
