using GhostCrate.Core.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Auth;

/// <summary>
/// Who is calling: an API token in the Authorization header wins; without one, the cookie session. Pages and JSON
/// endpoints use this; Cargo's write routes stay token-only (<see cref="CargoAuthentication"/>).
/// </summary>
public interface ICurrentUser
{
    /// <summary>The caller of the current request, or a failure saying why a presented credential was refused.</summary>
    Task<CallerResult> GetAsync();
}

/// <summary><see cref="ViaSession"/> tells cookie sessions apart (they need an antiforgery token on writes).</summary>
public sealed record CallerResult(Principal? Principal, bool Presented, string? Failure, bool ViaSession)
{
    public static CallerResult Anonymous { get; } = new(null, false, null, false);
}

public sealed class CurrentUser(Http.CurrentRequest request) : ICurrentUser
{
    public Task<CallerResult> GetAsync() =>
        (request.HttpContext ?? throw new InvalidOperationException("no HTTP request in progress")).GetCallerAsync();
}

public static class CallerExtensions
{
    public const string CsrfHeader = "X-CSRF-TOKEN";

    public static async Task<CallerResult> GetCallerAsync(this HttpContext context)
    {
        if (!string.IsNullOrEmpty(context.Request.Headers.Authorization.ToString()))
        {
            var token = await context.AuthenticateAsync();
            return new CallerResult(token.Principal, true, token.Failure, false);
        }
        if (context.SessionUser() is { } user) return new CallerResult(Principal.ForSession(user), true, null, true);
        return CallerResult.Anonymous;
    }

    /// <summary>
    /// For state-changing JSON requests made with the session cookie: the antiforgery token must come in the
    /// X-CSRF-TOKEN header (or a form field), so another site cannot make the browser act for the user.
    /// </summary>
    public static async Task<bool> SessionRequestIsForgedAsync(this HttpContext context, CallerResult caller)
    {
        if (!caller.ViaSession || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) return false;
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        return !await antiforgery.IsRequestValidAsync(context);
    }
}
