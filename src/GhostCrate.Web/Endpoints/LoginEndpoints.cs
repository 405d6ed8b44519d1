using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using GhostCrate.Web.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Password sign-in and sign-out for the web (the form itself, GET /login, is a page of the UI). A browser form posts
/// `username`, `password`, `returnUrl` and the antiforgery field and is redirected; a JSON body
/// ({"username","password"}) gets JSON back, for scripts and tests. See docs/identity.md.
/// </summary>
public static class LoginEndpoints
{
    private const long MaxFormBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapLogin(this IEndpointRouteBuilder app)
    {
        // Browser form posts (with a JSON variant for scripts) that answer with redirects: pages, not in the OpenAPI document.
        app.MapPost("/login", LoginAsync).ExcludeFromDescription();
        app.MapPost("/logout", LogoutAsync).ExcludeFromDescription();

        // For script-driven pages: the antiforgery token to send in X-CSRF-TOKEN with cookie-authenticated writes.
        app.MapGet("/api/v1/csrf", (HttpContext context, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            return TypedResults.Ok(new CsrfTokenResponse(tokens.RequestToken, CallerExtensions.CsrfHeader, tokens.FormFieldName));
        }).WithTags(ApiDocs.SessionTag).Auth(ApiAuth.Anonymous)
            .Operation("getCsrfToken", "The antiforgery token that cookie-authenticated writes send in X-CSRF-TOKEN",
                "Also sets the antiforgery cookie the token is checked against; call it with the session cookie.");
        return app;
    }

    private static async Task<IResult> LoginAsync(HttpContext context, AccountService accounts, RateLimits limits, IAntiforgery antiforgery)
    {
        RequestBodyLimit.Set(context, MaxFormBytes);
        if (context.Request.ContentLength > MaxFormBytes) return ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "the sign-in request is too large");
        var isForm = context.Request.HasFormContentType;
        string username, password;
        string? returnUrl = null;
        if (isForm)
        {
            // Login CSRF (an attacker signing the victim into the attacker's account) is stopped by the antiforgery field.
            if (!await antiforgery.IsRequestValidAsync(context)) return Results.Redirect(LoginPage("expired", null), preserveMethod: false);
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            username = form["username"].ToString();
            password = form["password"].ToString();
            returnUrl = SafeReturnUrl(form["returnUrl"].ToString());
        }
        else
        {
            // A JSON body needs a CORS preflight cross-site, so it cannot be forged by another page's form.
            var body = await JsonBody.ReadAsync<LoginBody>(context);
            if (body?.Username is null || body.Password is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected a form with username and password, or JSON {\"username\":..., \"password\":...}");
            username = body.Username;
            password = body.Password;
        }

        var wait = limits.TryAcquire(RateLimitedOperation.Login, RateLimitFilters.Address(context), "login:" + username.Trim().ToLowerInvariant());
        if (wait is { } retry) return RateLimitFilters.TooMany(context, retry, "too many sign-in attempts");

        var result = await accounts.VerifyPasswordAsync(username, password, context.RequestAborted);
        if (result.Error is { } error)
        {
            if (!isForm) return ApiResults.Problem(error);
            var code = error.Kind == RegistryErrorKind.Forbidden ? (error.Detail.Contains("turned off", StringComparison.Ordinal) ? "password_disabled" : "disabled") : "invalid";
            return Results.Redirect(LoginPage(code, returnUrl), preserveMethod: false);
        }
        await SessionCookie.SignInAsync(context, result.Value!);
        return isForm
            ? Results.Redirect(returnUrl ?? "/", preserveMethod: false)
            : Results.Json(UserResponse.Of(result.Value!));
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, IAntiforgery antiforgery, AuditLog audit)
    {
        var user = context.SessionUser();
        if (user is not null && !await antiforgery.IsRequestValidAsync(context))
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "sign-out needs the antiforgery token of the page (form field or X-CSRF-TOKEN header)");
        }
        if (user is not null)
        {
            await audit.RecordAsync(Principal.ForSession(user), AuditActions.Logout, $"user:{user.Username}", context.RequestAborted);
            await SessionCookie.SignOutAsync(context);
        }
        return context.Request.HasFormContentType ? Results.Redirect("/", preserveMethod: false) : Results.NoContent();
    }

    private static string LoginPage(string error, string? returnUrl) =>
        QueryStringHelper("/login", ("error", error), ("returnUrl", returnUrl));

    private static string QueryStringHelper(string path, params (string Key, string? Value)[] pairs) =>
        path + QueryString.Create(pairs.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));

    /// <summary>Only paths on this site: an open redirect would let a phishing link bounce through the login form.</summary>
    public static string? SafeReturnUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > 2048) return null;
        if (url[0] != '/') return null;
        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\')) return null;
        return url.Any(char.IsControl) ? null : url;
    }

    private sealed class LoginBody
    {
        public string? Username { get; set; }
        public string? Password { get; set; }
    }
}
