using GhostCrate.Core.Crates;
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
    public static ValueTask<bool> MayReadAsync(HttpContext context, RegistryOptions settings, CrateAccess access, string crate) =>
        string.IsNullOrEmpty(context.Request.Headers.Authorization.ToString())
            ? new ValueTask<bool>(!settings.AuthRequired) // anonymous: no state machine on the hot path of an open registry
            : MayTokenReadAsync(context, settings, access, crate);

    /// <summary>
    /// The read check of a proxy mount (CargoAuthentication.RequireReadAccess): in auth-required mode any authenticated
    /// token; there is no per-crate access to upstream crates.
    /// </summary>
    public static ValueTask<bool> MayReadMountAsync(HttpContext context, RegistryOptions settings) =>
        string.IsNullOrEmpty(context.Request.Headers.Authorization.ToString())
            ? new ValueTask<bool>(!settings.AuthRequired)
            : settings.AuthRequired ? IsAuthenticatedAsync(context) : new ValueTask<bool>(true);

    private static async ValueTask<bool> IsAuthenticatedAsync(HttpContext context) => (await context.AuthenticateAsync()).Principal is not null;

    private static async ValueTask<bool> MayTokenReadAsync(HttpContext context, RegistryOptions settings, CrateAccess access, string crate)
    {
        var principal = (await context.AuthenticateAsync()).Principal;
        return !settings.AuthRequired || (principal is not null && await access.CanReadAsync(crate, principal, context.RequestAborted));
    }
}
