using System.Text.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Notifications.Email;

/// <summary>The "email.send" job's payload: who, and the event as stored in the outbox.</summary>
public sealed record EmailJob(long UserId, string Event);

/// <summary>
/// Sends one event's email to one user (an "email.send" job). A user without an address, disabled, or who turned the
/// topic off gets nothing and the job succeeds. A temporary SMTP failure is retried with the queue's backoff until the
/// job's attempts run out (then it is dead and listed for administrators); a permanent refusal gives up at once.
/// </summary>
public sealed class EmailSendHandler(
    IUserRepository users,
    IEmailPreferenceRepository preferences,
    IMailSender sender,
    IUnsubscribeTokens unsubscribeTokens,
    EmailLinks links,
    ILogger<EmailSendHandler> logger) : IJobHandler
{
    public const string JobKind = "email.send";

    public string Kind => JobKind;

    public static NewJob Job(long userId, RegistryEvent registryEvent) => new(
        JobKind,
        JsonSerializer.Serialize(new EmailJob(userId, registryEvent.ToJson()), RegistryEvent.JsonOptions),
        DedupKey: $"{registryEvent.Id}:email:{userId}");

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<EmailJob>(job.Payload, RegistryEvent.JsonOptions) ?? throw new JsonException("empty email job");
        var registryEvent = RegistryEvent.Parse(payload.Event);
        if (EmailTopics.For(registryEvent.Type) is not { } topic) return JobOutcome.GiveUp($"{registryEvent.Type} events send no email");
        var user = await users.FindByIdAsync(payload.UserId, cancellationToken);
        if (user is null || user.IsDisabled || string.IsNullOrWhiteSpace(user.Email)) return JobOutcome.Succeeded;
        if (!EmailTopics.IsOn(await preferences.GetAsync(user.Id, cancellationToken), topic)) return JobOutcome.Succeeded;
        // An administrator who lost the role between fan-out and sending no longer gets administrators' mail.
        if (EmailTopics.All.First(t => t.Name == topic).ForAdministrators && !user.IsAdmin) return JobOutcome.Succeeded;
        if (EmailTemplates.Compose(registryEvent, links) is not { } content) return JobOutcome.GiveUp($"no template for {registryEvent.Type}");

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
                logger.LogInformation("Sent {EventType} email for event {EventId} to user {UserId}", registryEvent.Type, registryEvent.Id, user.Id);
                return JobOutcome.Succeeded;
            case MailSendStatus.PermanentFailure:
                return JobOutcome.GiveUp(result.Error ?? "the SMTP server refused the message");
            default:
                return JobOutcome.Retry(result.Error ?? "the SMTP server could not take the message");
        }
    }
}
