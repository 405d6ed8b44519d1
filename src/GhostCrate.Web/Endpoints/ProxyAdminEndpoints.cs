using System.Text.Json;
using GhostCrate.Core.Proxy;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
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
        var admin = app.MapGroup("/api/admin/proxy").AddEndpointFilter(RequireAdmin);

        admin.MapGet("/status", async (bool? probe, ProxyStatusService status, CancellationToken ct) =>
        {
            var upstreams = await status.GetAsync(probe ?? false, ct);
            return Results.Json(new { enabled = upstreams.Count > 0, upstreams = upstreams.Select(Describe) });
        });

        admin.MapPost("/{upstream}/warm", async (string upstream, HttpContext context, UpstreamRegistries upstreams, ProxyWarmer warmer) =>
        {
            if (upstreams.Find(upstream) is not { } target)
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown upstream", detail: $"no upstream is mounted as `{upstream}`");
            var request = await ReadWarmRequestAsync(context);
            if (request is null)
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid warm request",
                    detail: $"expected a JSON body (at most {MaxWarmBodyBytes} bytes) like {{\"crates\":[\"serde\",\"log@0.4.22\"],\"cargoLock\":\"<contents of Cargo.lock>\"}}");
            var (report, error) = await warmer.WarmAsync(target, request, context.RequestAborted);
            if (report is null) return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid warm request", detail: error);
            return Results.Json(new
            {
                upstream = report.Upstream,
                succeeded = report.Succeeded,
                items = report.Items.Select(i => new { crate = i.Crate, version = i.Version, status = i.Status.ToString(), error = i.Error }),
            });
        });
        return app;
    }

    public static object Describe(UpstreamStatus s) => new
    {
        name = s.Name,
        indexUrl = s.IndexUrl,
        reachable = s.Reachable,
        lastSuccessAt = s.Counters.LastSuccessAt,
        lastErrorAt = s.Counters.LastErrorAt,
        lastError = s.Counters.LastError,
        cache = new { indexFiles = s.Cache.IndexFiles, indexBytes = s.Cache.IndexBytes, crateFiles = s.Cache.CrateFiles, crateBytes = s.Cache.CrateBytes },
        counters = new
        {
            indexHits = s.Counters.IndexHits,
            indexMisses = s.Counters.IndexMisses,
            revalidations = s.Counters.Revalidations,
            notModified = s.Counters.NotModified,
            staleServed = s.Counters.StaleServed,
            crateHits = s.Counters.CrateHits,
            crateMisses = s.Counters.CrateMisses,
            checksumMismatches = s.Counters.ChecksumMismatches,
            errors = s.Counters.Errors,
        },
    };

    private static async Task<WarmRequest?> ReadWarmRequestAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxWarmBodyBytes) return null;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxWarmBodyBytes;
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

    private static async ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var auth = await context.AuthenticateAsync();
        if (auth.Principal is null)
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required",
                detail: auth.Failure ?? "send an administrator's API token in the Authorization header");
        if (!auth.Principal.IsAdmin)
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Administrators only", detail: $"`{auth.Principal.Username}` is not an administrator");
        return await next(invocation);
    }
}
