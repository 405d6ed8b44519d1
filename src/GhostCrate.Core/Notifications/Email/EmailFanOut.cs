using System.Text.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Notifications.Email;

/// <summary>
/// Part of running an outbox event: queues one "email.send" job per person the event concerns (the crate's owners,
/// plus an owner who was just removed; the token's user; the administrators, for a backup's result). Each job's dedup key is event + user, so a fan-out that
/// runs twice (a lease expired) queues no second email while the first is unsent. Choices are checked here and again
/// when the email is sent (a user may unsubscribe in between).
/// </summary>
public sealed class EmailFanOut(
    IEmailPreferenceRepository preferences,
    IUserRepository users,
    IJobRepository jobs,
    IOptions<EmailOptions> options,
    TimeProvider time)
{
    public async Task<int> QueueAsync(RegistryEvent registryEvent, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled || EmailTopics.For(registryEvent.Type) is not { } topic) return 0;
        var queued = 0;
        foreach (var userId in await RecipientsAsync(registryEvent, cancellationToken))
        {
            if (!EmailTopics.IsOn(await preferences.GetAsync(userId, cancellationToken), topic)) continue;
            if (await jobs.EnqueueAsync(EmailSendHandler.Job(userId, registryEvent), time.GetUtcNow(), cancellationToken) is not null) queued++;
        }
        return queued;
    }

    private async Task<IReadOnlyCollection<long>> RecipientsAsync(RegistryEvent registryEvent, CancellationToken cancellationToken)
    {
        var recipients = new HashSet<long>();
        if (registryEvent.CrateName is { } crate)
        {
            recipients.UnionWith(await preferences.CrateOwnerIdsAsync(crate, cancellationToken));
        }
        // The person an owner or token event is about: a removed owner is told too, a token's user is the only one told.
        if (registryEvent.Data.ValueKind == JsonValueKind.Object
            && registryEvent.Data.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String
            && registryEvent.Type is RegistryEventTypes.OwnersChanged or RegistryEventTypes.TokenCreated or RegistryEventTypes.TokenExpiring
            && await users.FindByNameAsync(user.GetString()!, cancellationToken) is { } person)
        {
            recipients.Add(person.Id);
        }
        if (registryEvent.Type is RegistryEventTypes.BackupFailed or RegistryEventTypes.BackupSucceeded)
        {
            recipients.UnionWith(await preferences.AdministratorIdsAsync(cancellationToken));
        }
        return recipients;
    }
}
