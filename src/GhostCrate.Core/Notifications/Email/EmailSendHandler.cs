using System.Text.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Notifications.Email;

/// <summary>
/// The "email.send" job's payload: who, the event as stored in the outbox, and the topic when it is not the event's own
/// (a follower's, <see cref="EmailTopics.ForFollowers"/>).
/// </summary>
public sealed record EmailJob(long UserId, string Event, string? Topic = null);

/// <summary>
/// Sends one event's email to one user (an "email.send" job). A user without an address, disabled, or who turned the
/// topic off gets nothing and the job succeeds. A temporary SMTP failure is retried with the queue's backoff; on the
/// last attempt, and at once for a permanent refusal, the handler gives up: the job is dead (the administrators'
/// dead letters, /admin/jobs?state=dead, where "retry now" sends it again), its error names the event, the user and
/// the attempts, and the delivery counts as <c>gave_up</c>, as a webhook that exhausted its schedule does.
/// </summary>
public sealed class EmailSendHandler(
    IUserRepository users,
    IEmailPreferenceRepository preferences,
    Following.FollowerRecipients followers,
    IMailSender sender,
    IUnsubscribeTokens unsubscribeTokens,
    EmailLinks links,
    ILogger<EmailSendHandler> logger) : IJobHandler
{
    public const string JobKind = "email.send";

    public string Kind => JobKind;

    /// <summary>One key per event and user whatever the topic, so nobody gets one event twice (as owner and as follower).</summary>
    public static NewJob Job(long userId, RegistryEvent registryEvent, string? topic = null) => new(
        JobKind,
        JsonSerializer.Serialize(new EmailJob(userId, registryEvent.ToJson(), topic), RegistryEvent.JsonOptions),
        DedupKey: $"{registryEvent.Id}:email:{userId}");

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<EmailJob>(job.Payload, RegistryEvent.JsonOptions) ?? throw new JsonException("empty email job");
        var registryEvent = RegistryEvent.Parse(payload.Event);
        var topic = payload.Topic ?? EmailTopics.For(registryEvent.Type);
        if (topic is null || !EmailTopics.IsKnown(topic)) return JobOutcome.GiveUp($"{registryEvent.Type} events send no email");
        var following = EmailTopics.IsFollowerTopic(topic);
        var user = await users.FindByIdAsync(payload.UserId, cancellationToken);
        if (user is null || user.IsDisabled || string.IsNullOrWhiteSpace(user.Email)) return JobOutcome.Succeeded;
        if (!EmailTopics.IsOn(await preferences.GetAsync(user.Id, cancellationToken), topic)) return JobOutcome.Succeeded;
        // An administrator who lost the role between fan-out and sending no longer gets administrators' mail.
        if (EmailTopics.All.First(t => t.Name == topic).ForAdministrators && !user.IsAdmin) return JobOutcome.Succeeded;
        // A follower who lost read access (crate restricted, grant removed) or stopped following since the fan-out is not told.
        if (following && !(await followers.ForEventAsync(registryEvent, cancellationToken)).Contains(user.Id)) return JobOutcome.Succeeded;
        if (EmailTemplates.Compose(registryEvent, links) is not { } content) return JobOutcome.GiveUp($"no template for {registryEvent.Type}");
        if (following && registryEvent.CrateName is { } followed)
            content = content with { Reason = $"You receive this because you follow {followed}, or an organization that owns it." };

        var unsubscribe = links.Unsubscribe(unsubscribeTokens.Create(new UnsubscribeRequest(user.Id, topic)));
        var message = new EmailMessage(
            user.Email, user.DisplayName ?? user.Username, content.Subject,
            EmailRenderer.Text(content, links.Settings, unsubscribe), EmailRenderer.Html(content, links.Settings, unsubscribe),
            // The same on every retry, so a receiving server (or the reader) can tell a resend from a new message.
            $"{registryEvent.Id}.{user.Id}@{links.MessageIdDomain}", unsubscribe);
        var result = await sender.SendAsync(message, cancellationToken);
        switch (result.Status)
        {
            case MailSendStatus.Sent:
                Operations.GhostCrateMetrics.NotificationDelivery("email", "delivered");
                logger.LogInformation("Sent {EventType} email for event {EventId} to user {UserId}", registryEvent.Type, registryEvent.Id, user.Id);
                return JobOutcome.Succeeded;
            case MailSendStatus.PermanentFailure:
                return GiveUp(job, registryEvent, user, result.Error ?? "the SMTP server refused the message");
            default:
                var error = result.Error ?? "the SMTP server could not take the message";
                if (job.Attempts >= job.MaxAttempts) return GiveUp(job, registryEvent, user, error);
                Operations.GhostCrateMetrics.NotificationDelivery("email", "failed");
                return JobOutcome.Retry(error);
        }
    }

    /// <summary>The final state of a mail that will not be sent: what an administrator needs to act on it (no address).</summary>
    private JobOutcome GiveUp(JobRecord job, RegistryEvent registryEvent, UserRecord user, string error)
    {
        Operations.GhostCrateMetrics.NotificationDelivery("email", "gave_up");
        logger.LogWarning("Gave up on the {EventType} email for event {EventId} to user {UserId} after {Attempts} of {MaxAttempts} attempts",
            registryEvent.Type, registryEvent.Id, user.Id, job.Attempts, job.MaxAttempts);
        return JobOutcome.GiveUp($"gave up after {job.Attempts} of {job.MaxAttempts} attempts: {registryEvent.Type} email for event {registryEvent.Id} to user {user.Username}: {error}");
    }
}
