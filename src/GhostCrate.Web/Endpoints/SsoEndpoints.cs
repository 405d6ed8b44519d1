using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Auth.Sso;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using GhostCrate.Web.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Single sign-on: `GET /login/{provider}` sends the browser to the provider, `GET /login/{provider}/callback` brings
/// it back. Every failure ends on `/login?error=CODE` (sso_denied, sso_state, sso_failed, sso_forbidden) with no
/// session; the reason goes to the log, never the tokens.
/// </summary>
public static class SsoEndpoints
{
    public const string StateCookie = "ghostcrate.sso";

    public static IEndpointRouteBuilder MapSso(this IEndpointRouteBuilder app)
    {
        // The buttons of the login page.
        app.MapGet("/api/v1/sso/providers", (SsoProviderCatalog catalog) =>
            TypedResults.Ok(new SsoProvidersResponse(catalog.All.Select(p => new SsoProviderInfo(p.Key, p.DisplayName, p.Type.ToString(), $"/login/{p.Key}")).ToList())))
            .WithTags(ApiDocs.SessionTag).Auth(ApiAuth.Anonymous)
            .Operation("listSsoProviders", "The single sign-on providers (the login page's buttons)");

        // The browser's round trip through the provider (redirects, not JSON): not in the OpenAPI document.
        app.MapGet("/login/{provider}", async (string provider, string? returnUrl, HttpContext context, SsoProviderCatalog catalog, SsoFlow flow, RegistryUrls urls) =>
        {
            if (catalog.Find(provider) is not { } p) return ApiResults.Problem(StatusCodes.Status404NotFound, $"no single sign-on provider `{provider}`");
            var (redirect, state) = await flow.StartAsync(p, CallbackUrl(context, urls, p), LoginEndpoints.SafeReturnUrl(returnUrl), context.RequestAborted);
            context.Response.Cookies.Append(StateCookie, state, new CookieOptions
            {
                HttpOnly = true,
                // Lax: the provider's redirect back is a top-level GET from another site.
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                Path = "/login",
                MaxAge = SsoFlow.LoginLifetime,
            });
            return Results.Redirect(redirect);
        }).ExcludeFromDescription();

        app.MapGet("/login/{provider}/callback", async (string provider, string? code, string? state, string? error, HttpContext context,
            SsoProviderCatalog catalog, SsoFlow flow, SsoLoginService logins, RegistryUrls urls, RateLimits limits, ILoggerFactory loggers) =>
        {
            var logger = loggers.CreateLogger("GhostCrate.Sso");
            if (catalog.Find(provider) is not { } p) return ApiResults.Problem(StatusCodes.Status404NotFound, $"no single sign-on provider `{provider}`");

            // A refused callback is a failed sign-in in the audit log. Anyone can call this URL, so refusals count
            // against the address's sign-in limit (as password attempts do): a flood gets 429s, not audit rows.
            async Task<IResult> RefuseAsync(string errorCode, string reason)
            {
                if (limits.TryAcquire(RateLimitedOperation.Login, RateLimitFilters.Address(context), null) is { } wait) return RateLimitFilters.TooMany(context, wait, "too many sign-in attempts");
                await logins.RecordRefusedCallbackAsync(p.Key, reason, context.RequestAborted);
                return Fail(errorCode);
            }

            var browserState = context.Request.Cookies[StateCookie];
            context.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = "/login" });
            if (error is not null)
            {
                logger.LogInformation("Sign-in through {Provider} was refused by the provider: {Error}", p.Key, error.Length > 100 ? error[..100] : error);
                return await RefuseAsync("sso_denied", "refused by the provider");
            }
            if (string.IsNullOrEmpty(code) || string.IsNullOrEmpty(state) || browserState is null || !FixedTimeEquals(browserState, state))
            {
                logger.LogWarning("Sign-in through {Provider} refused: the state does not belong to this browser", p.Key);
                return await RefuseAsync("sso_state", "state does not belong to this browser");
            }
            var pending = await flow.TakeAsync(p, state, context.RequestAborted);
            if (pending is null)
            {
                logger.LogWarning("Sign-in through {Provider} refused: unknown, expired or already used state", p.Key);
                return await RefuseAsync("sso_state", "unknown, expired or already used state");
            }

            ExternalIdentity? identity;
            string? reason;
            try
            {
                (identity, reason) = await flow.CompleteAsync(p, pending, code, CallbackUrl(context, urls, p), context.RequestAborted);
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or InvalidOperationException or IOException)
            {
                (identity, reason) = (null, $"talking to the provider failed ({ex.GetType().Name})");
            }
            if (identity is null)
            {
                logger.LogWarning("Sign-in through {Provider} failed: {Reason}", p.Key, reason);
                return await RefuseAsync("sso_failed", reason ?? "the provider's answer was not valid");
            }

            var user = await logins.SignInAsync(p.Key, identity, context.RequestAborted);
            if (user.Error is { } refused)
            {
                logger.LogWarning("Sign-in through {Provider} refused: {Reason}", p.Key, refused.Detail);
                return Fail(refused.Kind == RegistryErrorKind.Forbidden ? "sso_forbidden" : "sso_failed");
            }
            await SessionCookie.SignInAsync(context, user.Value!);
            return Results.Redirect(pending.ReturnUrl ?? "/");
        }).ExcludeFromDescription();
        return app;
    }

    private static IResult Fail(string code) => Results.Redirect($"/login?error={code}");

    private static string CallbackUrl(HttpContext context, RegistryUrls urls, SsoProvider provider) =>
        $"{urls.BaseUrl(context.Request)}/login/{Uri.EscapeDataString(provider.Key)}/callback";

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
