using System.Globalization;
using System.Security.Claims;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Auth;

/// <summary>
/// The web session: ASP.NET's cookie handler (HttpOnly, SameSite=Lax, Secure on https), holding only the user id and
/// the user's session version. Every request re-reads the user, so disabling a user, changing a password or any role
/// change ends their sessions at once.
/// </summary>
public static class SessionCookie
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookieName = "ghostcrate.session";
    private const string SessionVersionClaim = "ghostcrate:session_version";
    internal const string UserItemKey = "GhostCrate.SessionUser";

    public static IServiceCollection AddGhostCrateSessions(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme).AddCookie(Scheme, _ => { });
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IOptions<IdentityOptions>>((cookie, identity) =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            // Lax, not Strict: following a link to the registry from mail or chat should find the user signed in,
            // and Lax still keeps the cookie off cross-site POSTs (forms also carry an antiforgery token).
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = identity.Value.SecureCookies switch
            {
                true => CookieSecurePolicy.Always,
                false => CookieSecurePolicy.None,
                null => CookieSecurePolicy.SameAsRequest,
            };
            cookie.ExpireTimeSpan = TimeSpan.FromMinutes(identity.Value.SessionMinutes);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/login";
            cookie.LogoutPath = "/logout";
            cookie.AccessDeniedPath = "/login";
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.Events.OnValidatePrincipal = ValidateAsync;
            // APIs answer 401/403; only pages redirect to the login form.
            cookie.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        });
        return services;
    }

    /// <summary>Signs the user in (or refreshes the cookie after a password change bumped the session version).</summary>
    public static Task SignInAsync(HttpContext context, UserRecord user, bool persistent = true)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Name, user.Username),
                new Claim(SessionVersionClaim, user.SessionVersion.ToString(CultureInfo.InvariantCulture)),
            ],
            Scheme);
        context.Items[UserItemKey] = user;
        return context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = persistent, AllowRefresh = true });
    }

    public static Task SignOutAsync(HttpContext context)
    {
        context.Items.Remove(UserItemKey);
        return context.SignOutAsync(Scheme);
    }

    /// <summary>The signed-in user of this request (validated against the database), or null.</summary>
    public static UserRecord? SessionUser(this HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true && context.Items.TryGetValue(UserItemKey, out var user) ? user as UserRecord : null;

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        if (!long.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var userId)
            || !long.TryParse(principal?.FindFirstValue(SessionVersionClaim), CultureInfo.InvariantCulture, out var version))
        {
            context.RejectPrincipal();
            return;
        }
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountService>();
        var user = await accounts.ResolveSessionAsync(userId, version, context.HttpContext.RequestAborted);
        if (user is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }
        context.HttpContext.Items[UserItemKey] = user;
    }

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/index"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
