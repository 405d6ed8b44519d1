using System.Net.Sockets;
using GhostCrate.Core.Notifications.Email;
using GhostCrate.Core.Options;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace GhostCrate.Web.Notifications;

/// <summary>
/// Sends notification emails with MailKit over one SMTP connection per message (they are few; a pooled connection
/// would have to survive servers that drop idle clients). Failures are reported as values: a 5xx reply to the message
/// or a recipient is permanent (RFC 5321 section 4.2.1), everything else (4xx, no connection, TLS or login trouble
/// an administrator can fix) is worth a retry. With Email:Tls=StartTls a server that does not offer STARTTLS gets
/// nothing: a man in the middle can delete "250 STARTTLS" from the server's answer (RFC 3207 section 6).
/// </summary>
public sealed class SmtpMailSender(IOptions<EmailOptions> options, TimeProvider time, ILogger<SmtpMailSender> logger) : IMailSender
{
    public async Task<MailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled) return new MailSendResult(MailSendStatus.TransientFailure, "email is off on this node (Email:Host is not set)");
        using var mime = Build(message, settings);
        var trust = new SmtpCertificateTrust(settings.TrustedCertificateSet(), time);
        using var client = new SmtpClient
        {
            Timeout = (int)settings.Timeout.TotalMilliseconds,
            ServerCertificateValidationCallback = (_, certificate, chain, errors) => trust.Validate(certificate, chain, errors),
        };
        var connected = false;
        try
        {
            await client.ConnectAsync(settings.Host!, settings.Port, settings.Tls switch
            {
                SmtpTlsMode.None => SecureSocketOptions.None,
                SmtpTlsMode.Tls => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTls,
            }, cancellationToken);
            connected = true;
            if (!string.IsNullOrEmpty(settings.User)) await client.AuthenticateAsync(settings.User, settings.Password ?? "", cancellationToken);
            await client.SendAsync(mime, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return MailSendResult.Sent;
        }
        catch (SmtpCommandException ex)
        {
            var permanent = (int)ex.StatusCode >= 500 && ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.SenderNotAccepted or SmtpErrorCode.MessageNotAccepted;
            logger.LogWarning("SMTP server {Host} answered {StatusCode} ({ErrorCode}) to message {MessageId}", settings.Host, (int)ex.StatusCode, ex.ErrorCode, message.MessageId);
            return new MailSendResult(permanent ? MailSendStatus.PermanentFailure : MailSendStatus.TransientFailure, $"SMTP {(int)ex.StatusCode}: {ex.Message}");
        }
        catch (SslHandshakeException ex) when (trust.Refusal is { } refusal)
        {
            logger.LogWarning("Could not send message {MessageId}: the TLS certificate of {Host}:{Port} was refused: {Refusal}", message.MessageId, settings.Host, settings.Port, refusal);
            return new MailSendResult(MailSendStatus.TransientFailure, $"{ex.GetType().Name}: the TLS certificate of {settings.Host}:{settings.Port} was refused: {refusal}");
        }
        catch (NotSupportedException) when (!connected && settings.Tls == SmtpTlsMode.StartTls)
        {
            // MailKit refuses before MAIL FROM or AUTH; falling back to plain text would hand the login and the
            // message to anyone on the path who strips STARTTLS from the server's answer.
            logger.LogWarning("Could not send message {MessageId}: {Host}:{Port} does not offer STARTTLS", message.MessageId, settings.Host, settings.Port);
            return new MailSendResult(MailSendStatus.TransientFailure,
                $"the SMTP server {settings.Host}:{settings.Port} does not offer STARTTLS, and Email:Tls=StartTls never sends in plain text");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or AuthenticationException or SslHandshakeException or IOException or SocketException or TimeoutException
                                       or ServiceNotConnectedException or ServiceNotAuthenticatedException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("Could not send message {MessageId} through {Host}:{Port}: {Error}", message.MessageId, settings.Host, settings.Port, ex.Message);
            return new MailSendResult(MailSendStatus.TransientFailure, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private MimeMessage Build(EmailMessage message, EmailOptions settings)
    {
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            MessageId = message.MessageId,
            Date = time.GetUtcNow(),
        };
        mime.From.Add(MailboxAddress.Parse(settings.From!));
        mime.To.Add(new MailboxAddress(message.ToName, message.To));
        // RFC 3834: an automatic message; vacation responders must not answer it.
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        if (message.UnsubscribeUrl is { } unsubscribe)
        {
            // RFC 2369 List-Unsubscribe with RFC 8058 one-click: the mail program POSTs "List-Unsubscribe=One-Click"
            // to the https URL, which turns the topic off without a session (the URL carries a signed token).
            mime.Headers.Add("List-Unsubscribe", $"<{unsubscribe.AbsoluteUri}>");
            mime.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        mime.Body = new BodyBuilder { TextBody = message.Text, HtmlBody = message.Html }.ToMessageBody();
        return mime;
    }
}
