using System.Globalization;
using System.Text.Json;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Proxy;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Operating the proxy: status per upstream and cache warming. Administrators only (error texts name internal hosts
/// and proxies); errors are ProblemDetails, as on every non-Cargo JSON route.
/// </summary>
public static class ProxyAdminEndpoints
{
    /// <summary>A Cargo.lock of a large workspace is a few hundred KB.</summary>
    private const long MaxWarmBodyBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapProxyAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin/proxy").WithTags(ApiDocs.ProxyTag).Auth(ApiAuth.TokenOrSession);

        admin.MapGet("/status", async Task<Results<Ok<ProxyStatusResponse>, ProblemHttpResult>> (bool? probe, HttpContext context, ProxyStatusService status) =>
        {
            var (_, problem) = await RequireAdminAsync(context);
            if (problem is not null) return problem;
            var upstreams = await status.GetAsync(probe ?? false, context.RequestAborted);
            return TypedResults.Ok(new ProxyStatusResponse(upstreams.Count > 0, upstreams.Select(UpstreamStatusInfo.Of).ToList()));
        }).Operation("getProxyStatus", "Health, cache use and counters of each upstream (probe=true asks each upstream first)").Problems(400, 401, 403);

        admin.MapPost("/{upstream}/warm", async Task<Results<Ok<WarmResponse>, ProblemHttpResult>> (string upstream, HttpContext context, UpstreamRegistries upstreams, ProxyWarmer warmer, AuditLog audit) =>
        {
            var (principal, problem) = await RequireAdminAsync(context);
            if (problem is not null) return problem;
            if (upstreams.Find(upstream) is not { } target)
                return ApiResults.Problem(StatusCodes.Status404NotFound, $"no upstream is mounted as `{upstream}`");
            var request = await ReadWarmRequestAsync(context);
            if (request is null)
                return ApiResults.Problem(StatusCodes.Status400BadRequest,
                    $"expected a JSON body (at most {MaxWarmBodyBytes} bytes) like {{\"crates\":[\"serde\",\"log@0.4.22\"],\"cargoLock\":\"<contents of Cargo.lock>\"}}");
            var (report, error) = await warmer.WarmAsync(target, request, context.RequestAborted);
            if (report is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, error!);
            await audit.RecordAsync(principal, AuditActions.ProxyWarmed, $"proxy:{target.Name}",
                new Dictionary<string, string?> { ["items"] = report.Items.Count.ToString(CultureInfo.InvariantCulture), ["succeeded"] = report.Succeeded ? "true" : "false" },
                context.RequestAborted);
            return TypedResults.Ok(WarmResponse.Of(report));
        }).Operation("warmProxyCache", "Fetch crates (or a Cargo.lock's packages) into the proxy's cache before they are needed")
            .JsonBody<WarmRequestBody>().RequestExample("""{"crates":["serde","log@0.4.22"]}""").Problems(400, 401, 403, 404);
        return app;
    }

    private static async Task<WarmRequest?> ReadWarmRequestAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxWarmBodyBytes) return null;
        RequestBodyLimit.Set(context, MaxWarmBodyBytes);
        try
        {
            using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var crates = new List<string>();
            if (root.TryGetProperty("crates", out var list))
            {
                if (list.ValueKind != JsonValueKind.Array) return null;
                foreach (var item in list.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String) return null;
                    crates.Add(item.GetString()!);
                }
            }
            string? cargoLock = null;
            if (root.TryGetProperty("cargoLock", out var lockText))
            {
                if (lockText.ValueKind != JsonValueKind.String) return null;
                cargoLock = lockText.GetString();
            }
            return crates.Count == 0 && cargoLock is null ? null : new WarmRequest(crates, cargoLock);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The account API's caller check (token, or session with antiforgery), then administrators only (unscoped).</summary>
    private static async Task<(Principal? Principal, ProblemHttpResult? Problem)> RequireAdminAsync(HttpContext context)
    {
        var (principal, problem) = await ApiCaller.RequireAsync(context);
        if (problem is not null) return (null, problem);
        // The same rule as every other admin route: an administrator's scoped token is not an administrator.
        return Guards.RequireAdmin(principal!) is { } denied
            ? (null, ApiResults.Problem(denied))
            : (principal, null);
    }
}
