using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Http;

/// <summary>
/// The read check the fast paths (<see cref="SparseIndexFastPath"/>, <see cref="DownloadFastPath"/>) share, the same
/// as their endpoints': a presented token is authenticated (as GetCallerAsync does, which also records its last use);
/// in auth-required mode only a token that may read the crate passes. False means "let the full pipeline decide":
/// a session cookie needs the authentication middleware, and a missing or refused token gets its RFC 3139 challenge there.
/// </summary>
internal static class FastPathAccess
{
    public static ValueTask<bool> MayReadAsync(HttpContext context, RegistryOptions settings, TokenAuthenticator authenticator, CrateAccess access, string crate)
    {
        if (string.IsNullOrEmpty(context.Request.Headers.Authorization.ToString()))
            return new ValueTask<bool>(!settings.AuthRequired); // anonymous: no state machine on the hot path of an open registry
        // A known token on a crate known to be readable (most requests of an auth-required registry): answered from
        // memory, with no state machine and no allocation either.
        if (context.TryAuthenticateRemembered(authenticator, out var remembered)
            && (!settings.AuthRequired || access.TryCanReadRemembered(crate, remembered.Principal, out var mayRead) && mayRead))
            return new ValueTask<bool>(true);
        return MayTokenReadAsync(context, settings, authenticator, access, crate);
    }

    /// <summary>
    /// The read check of a proxy mount (CargoAuthentication.RequireReadAccess): in auth-required mode any authenticated
    /// token; there is no per-crate access to upstream crates.
    /// </summary>
    public static ValueTask<bool> MayReadMountAsync(HttpContext context, RegistryOptions settings, TokenAuthenticator authenticator)
    {
        if (string.IsNullOrEmpty(context.Request.Headers.Authorization.ToString())) return new ValueTask<bool>(!settings.AuthRequired);
        if (!settings.AuthRequired) return new ValueTask<bool>(true);
        return context.TryAuthenticateRemembered(authenticator, out _) ? new ValueTask<bool>(true) : IsAuthenticatedAsync(context, authenticator);
    }

    private static async ValueTask<bool> IsAuthenticatedAsync(HttpContext context, TokenAuthenticator authenticator) =>
        (await context.AuthenticateAsync(authenticator)).Principal is not null;

    private static async ValueTask<bool> MayTokenReadAsync(HttpContext context, RegistryOptions settings, TokenAuthenticator authenticator, CrateAccess access, string crate)
    {
        var principal = (await context.AuthenticateAsync(authenticator)).Principal;
        return !settings.AuthRequired || (principal is not null && await access.CanReadAsync(crate, principal, context.RequestAborted));
    }
}
