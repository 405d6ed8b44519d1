using System.Net;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Core.Options;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Notifications;

/// <summary>The "webhooks" client of IHttpClientFactory: no redirects, no proxy, Webhooks:Timeout, the SSRF guard at connect time.</summary>
public sealed class WebhookHttp(IHttpClientFactory factory) : IWebhookHttp
{
    public const string ClientName = "webhooks";

    public HttpClient CreateClient() => factory.CreateClient(ClientName);
}

public static class NotificationServices
{
    /// <summary>Webhook and email delivery: the HTTP client, the SMTP sender, unsubscribe tokens, the job handlers.</summary>
    public static IServiceCollection AddGhostCrateNotifications(this IServiceCollection services)
    {
        services.AddJobHandler<EventFanOutHandler>();
        services.AddJobHandler<WebhookDeliveryHandler>();
        services.AddJobHandler<Core.Notifications.Email.EmailSendHandler>();
        services.AddSingleton<Core.Notifications.Email.IMailSender, SmtpMailSender>();
        services.AddSingleton<Core.Notifications.Email.IUnsubscribeTokens, UnsubscribeTokens>();
        services.AddSingleton<IWebhookSecretProtector, WebhookSecretProtector>();
        services.AddSingleton<Core.Feeds.IFeedTokens, Feeds.FeedTokens>();
        services.AddSingleton<IWebhookHttp, WebhookHttp>();
        services.AddHttpClient(WebhookHttp.ClientName)
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.Timeout)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value;
                var guard = new SsrfGuard(options.AllowedCidrs.Select(IPNetwork.Parse).ToList());
                return new SocketsHttpHandler
                {
                    // A 3xx is the receiver's answer, logged as a failure: following it could lead anywhere.
                    AllowAutoRedirect = false,
                    // An HTTP proxy would connect on our behalf, past the guard.
                    UseProxy = false,
                    ConnectCallback = guard.ConnectAsync,
                    ConnectTimeout = options.Timeout,
                };
            });
        return services;
    }
}
