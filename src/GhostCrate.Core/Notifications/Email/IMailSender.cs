namespace GhostCrate.Core.Notifications.Email;

/// <summary>
/// One email, ready to send: both bodies, and the one-click unsubscribe URL that goes into List-Unsubscribe
/// (RFC 2369) with List-Unsubscribe-Post (RFC 8058). <paramref name="MessageId"/> is the same on every retry.
/// </summary>
public sealed record EmailMessage(string To, string? ToName, string Subject, string Text, string Html, string MessageId, Uri? UnsubscribeUrl);

public enum MailSendStatus
{
    Sent,

    /// <summary>The server could not be reached or answered 4xx: try again later.</summary>
    TransientFailure,

    /// <summary>The server refused for good (5xx, a bad recipient): retrying cannot help.</summary>
    PermanentFailure,
}

public sealed record MailSendResult(MailSendStatus Status, string? Error = null)
{
    public static MailSendResult Sent { get; } = new(MailSendStatus.Sent);
}

/// <summary>Port for the SMTP client (the host's MailKit sender, configured by the Email section).</summary>
public interface IMailSender
{
    Task<MailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
