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

    public static async Task<TokenAuthentication> AuthenticateAsync(this HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is TokenAuthentication done) return done;
        var header = context.Request.Headers.Authorization.ToString();
        var secret = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..] : header;
        var authenticator = context.RequestServices.GetRequiredService<TokenAuthenticator>();
        var result = await authenticator.AuthenticateAsync(secret, context.RequestAborted);
        context.Items[ItemKey] = result;
        return result;
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
