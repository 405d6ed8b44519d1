using GhostCrate.Core.Identity;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GhostCrate.Web.Endpoints;

/// <summary>The caller check every account/admin JSON route starts with: 401 without a valid credential, 400 for a forged session request.</summary>
internal static class ApiCaller
{
    public static async Task<(Principal? Principal, ProblemHttpResult? Problem)> RequireAsync(HttpContext context)
    {
        var caller = await context.GetCallerAsync();
        if (caller.Principal is null)
        {
            return (null, ApiResults.Problem(StatusCodes.Status401Unauthorized, caller.Failure ?? "sign in, or send an API token in the Authorization header"));
        }
        if (await context.SessionRequestIsForgedAsync(caller))
        {
            return (null, ApiResults.Problem(StatusCodes.Status400BadRequest, $"this request uses the session cookie but carries no valid antiforgery token; send it in the {CallerExtensions.CsrfHeader} header (GET /api/v1/csrf)"));
        }
        return (caller.Principal, null);
    }
}
