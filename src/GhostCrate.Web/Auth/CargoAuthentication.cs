using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Web.Http;
using GhostCrate.Protocol.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Auth;

/// <summary>
/// Cargo sends its token verbatim in the Authorization header (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#web-api);
/// `Bearer` is accepted too for scripts. The result is cached per request.
/// </summary>
public static class CargoAuthentication
{
    private const string ItemKey = "GhostCrate.TokenAuthentication";

    public static Task<TokenAuthentication> AuthenticateAsync(this HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var cached) && cached is TokenAuthentication done
            ? Task.FromResult(done)
            : context.AuthenticateAsync(context.RequestServices.GetRequiredService<TokenAuthenticator>());

    /// <summary>As <see cref="AuthenticateAsync(HttpContext)"/>, with the authenticator at hand (no request scope needed).</summary>
    public static async Task<TokenAuthentication> AuthenticateAsync(this HttpContext context, TokenAuthenticator authenticator)
    {
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is TokenAuthentication done) return done;
        var secret = SecretOf(context);
        var result = string.IsNullOrWhiteSpace(secret)
            ? await authenticator.AuthenticateAsync(secret, cancellationToken: context.RequestAborted)
            : await authenticator.AuthenticateAsync(secret, ConnectionTokenMemory.KeyOf(context, secret), context.RequestAborted);
        context.Items[ItemKey] = result;
        return result;
    }

    /// <summary>
    /// The answer from the node's memory alone (<see cref="TokenAuthenticator.TryAuthenticateRemembered"/>), recorded
    /// for the request as <see cref="AuthenticateAsync(HttpContext)"/> records it; false when that has to decide.
    /// </summary>
    public static bool TryAuthenticateRemembered(this HttpContext context, TokenAuthenticator authenticator, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TokenAuthentication? result)
    {
        result = null;
        var secret = SecretOf(context);
        if (string.IsNullOrWhiteSpace(secret) || !authenticator.TryAuthenticateRemembered(secret, ConnectionTokenMemory.KeyOf(context, secret), out result)) return false;
        context.Items[ItemKey] = result;
        return true;
    }

    private static string SecretOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..] : header;
    }

    /// <summary>The token check this request already made, if any (for the request log; never authenticates).</summary>
    public static TokenAuthentication? AuthenticatedToken(this HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var cached) ? cached as TokenAuthentication : null;

    /// <summary>401 in Cargo's envelope with the RFC 3139 challenge, so cargo tells the user where to get a token.</summary>
    public static JsonHttpResult<CargoErrorResponse> Challenge(HttpContext context, string detail)
    {
        var urls = context.RequestServices.GetRequiredService<RegistryUrls>();
        context.Response.Headers.WWWAuthenticate = $"Cargo login_url=\"{urls.LoginUrl(context.Request)}\"";
        return CargoResults.Error(StatusCodes.Status401Unauthorized, detail);
    }

    /// <summary>The caller of a write operation, or the 401/403 to return.</summary>
    public static async Task<(Principal? Principal, JsonHttpResult<CargoErrorResponse>? Problem)> RequirePrincipalAsync(this HttpContext context)
    {
        var auth = await context.AuthenticateAsync();
        if (auth.Principal is { } principal) return (principal, null);
        return (null, Challenge(context, auth.Failure ?? "this operation needs an API token; run `cargo login --registry <name>` with a token from this registry"));
    }

    /// <summary>
    /// Endpoint filter for read routes (index, downloads, search): in auth-required mode (RFC 3139) they need a valid
    /// token too; otherwise an invalid token is ignored, as anonymous reads are allowed anyway.
    /// </summary>
    public static async ValueTask<object?> RequireReadAccess(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var options = context.RequestServices.GetRequiredService<IOptions<RegistryOptions>>().Value;
        if (!options.AuthRequired) return await next(invocation);
        // A token, or in a browser the session cookie (downloads linked from the web UI).
        var caller = await context.GetCallerAsync();
        if (caller.Principal is null)
        {
            return Challenge(context, caller.Failure ?? "this registry requires authentication; run `cargo login --registry <name>` with a token from this registry");
        }
        return await next(invocation);
    }
}
