using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Web.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Auth;

/// <summary>Registrations of the identity plumbing: sessions, antiforgery, cookie keys, caller accessor, rate limits.</summary>
public static class IdentityWebServices
{
    public const string AntiforgeryCookieName = "ghostcrate.antiforgery";

    public static IServiceCollection AddGhostCrateIdentityWeb(this IServiceCollection services)
    {
        // Not AddHttpContextAccessor: see CurrentRequest.
        services.AddSingleton<Http.CurrentRequest>();
        // Replaces Core's "no request" origin: audit events carry the client address.
        services.AddSingleton<IRequestOrigin, HttpRequestOrigin>();
        services.AddScoped<ICurrentUser, CurrentUser>();
        services.AddSingleton<RateLimits>();
        services.AddHttpClient(Sso.OidcMetadata.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<Sso.SsoProviderCatalog>();
        services.AddSingleton<Sso.OidcMetadata>();
        services.AddSingleton<Sso.IdTokenValidator>();
        services.AddSingleton<Sso.SsoFlow>();
        services.AddGhostCrateSessions();
        services.AddAntiforgery(o =>
        {
            o.HeaderName = CallerExtensions.CsrfHeader;
            o.Cookie.Name = AntiforgeryCookieName;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
        });
        // Not CookieSecurePolicy.Always here: antiforgery then throws on every request that did not arrive as https
        // ("the current request is not an SSL request"), which is every request behind a TLS proxy whose
        // X-Forwarded-Proto is not trusted. Identity:SecureCookies=true marks the cookie Secure in UseSecureCookies.
        services.AddOptions<AntiforgeryOptions>().Configure<IOptions<IdentityOptions>>((o, identity) =>
            o.Cookie.SecurePolicy = identity.Value.SecureCookies == false ? CookieSecurePolicy.None : CookieSecurePolicy.SameAsRequest);

        // Cookies are encrypted with Data Protection keys. By default the key ring lives in the database, so every node
        // of a cluster reads the same keys (a cookie from one node is accepted by the others) and a backup carries them;
        // Identity:KeysPath keeps them in a folder instead, for those who manage the keys themselves.
        services.AddDataProtection().SetApplicationName("GhostCrate");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<IdentityOptions>, IDataProtectionKeyStore, TimeProvider, ILoggerFactory>((keys, identity, store, time, loggers) =>
        {
            if (identity.Value.KeysPath is { Length: > 0 } path)
            {
                Directory.CreateDirectory(path);
                keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(path), loggers);
            }
            else
            {
                keys.XmlRepository = new DatabaseXmlRepository(store, time);
            }
        });
        return services;
    }

    /// <summary>
    /// Reads the cookie key ring (creating the first key of a new registry) before the node takes requests: a node that
    /// joins a running cluster then uses the cluster's key from its first response instead of making its own on the
    /// first sign-in, and an unreadable key store fails the start rather than a user's sign-in.
    /// </summary>
    public static void LoadCookieKeys(IServiceProvider services) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector("GhostCrate.KeyRing").Protect([]);

    /// <summary>
    /// Identity:SecureCookies=true: every cookie GhostCrate sets is marked Secure, whatever scheme the request arrived
    /// with (a TLS-terminating proxy talks plain http to GhostCrate; the browser only ever sees https).
    /// </summary>
    public static IApplicationBuilder UseSecureCookies(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<IOptions<IdentityOptions>>().Value.SecureCookies == true)
        {
            app.UseCookiePolicy(new CookiePolicyOptions { Secure = CookieSecurePolicy.Always, MinimumSameSitePolicy = SameSiteMode.Unspecified });
        }
        return app;
    }
}
