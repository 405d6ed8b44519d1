using System.Text.Json;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Options;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Publishing;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Cargo's web API (https://doc.rust-lang.org/cargo/reference/registry-web-api.html), kept apart from UI and admin
/// routes. Every error, including unknown routes and malformed bodies, uses Cargo's envelope.
/// </summary>
public static class CargoApiEndpoints
{
    private const long SmallBodyLimit = 64 * 1024;

    public static IEndpointRouteBuilder MapCargoApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/crates");

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish
        api.MapPut("/new", async (HttpContext context, PublishService publisher, IOptions<RegistryOptions> options) =>
        {
            var (principal, problem) = await context.RequirePrincipalAsync();
            if (problem is not null) return problem;
            // The only large body we accept; the reader also stops at the limits declared inside the frame.
            var settings = options.Value;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = settings.MaxCrateSizeBytes + settings.MaxMetadataSizeBytes + 8;
            }
            var result = await publisher.PublishAsync(context.Request.Body, principal!, context.RequestAborted);
            if (result.Error is { } error) return CargoResults.Error(error);
            return Results.Json(new { warnings = new { invalid_categories = Array.Empty<string>(), invalid_badges = Array.Empty<string>(), other = result.Value!.Warnings } });
        }).AddEndpointFilter(GhostCrate.Web.RateLimiting.RateLimitFilters.Publish);

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#yank
        api.MapDelete("/{name}/{version}/yank", (string name, string version, HttpContext context, YankService yanks) => SetYankedAsync(name, version, true, context, yanks));
        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#unyank
        api.MapPut("/{name}/{version}/unyank", (string name, string version, HttpContext context, YankService yanks) => SetYankedAsync(name, version, false, context, yanks));

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#owners-list
        // Organizations and teams are listed like crates.io's teams: login `org:acme` / `org:acme:team`, kind "team".
        api.MapGet("/{name}/owners", async (string name, HttpContext context, OwnerService owners) =>
        {
            var caller = await context.GetCallerAsync();
            var result = await owners.ListAllAsync(name, caller.Principal, context.RequestAborted);
            if (result.Error is { } error) return CargoResults.Error(error);
            var users = result.Value!.Users.Select(o => (object)new { id = o.UserId, login = o.Username, name = (string?)null, kind = "user" });
            var groups = result.Value.Groups.Select(g => (object)new { id = g.TeamId ?? g.OrgId, login = g.Login, name = (string?)null, kind = "team" });
            return Results.Json(new { users = users.Concat(groups) });
        }).AddEndpointFilter(CargoAuthentication.RequireReadAccess);

        // Per-crate read access (auth-required mode): {"restricted": true} limits the crate to its owners, org and
        // team members and administrators. Changing it needs the same right as changing owners.
        api.MapGet("/{name}/access", async (string name, HttpContext context, OwnerService owners) =>
        {
            var caller = await context.GetCallerAsync();
            var result = await owners.IsRestrictedAsync(name, caller.Principal, context.RequestAborted);
            return result.Error is { } error ? CargoResults.Error(error) : Results.Json(new { restricted = result.Value });
        }).AddEndpointFilter(CargoAuthentication.RequireReadAccess);

        api.MapPut("/{name}/access", async (string name, HttpContext context, OwnerService owners) =>
        {
            var (principal, problem) = await context.RequirePrincipalAsync();
            if (problem is not null) return problem;
            var body = await JsonBody.ReadAsync<AccessBody>(context);
            if (body?.Restricted is null) return CargoResults.Error(StatusCodes.Status400BadRequest, "expected a JSON body like {\"restricted\": true}");
            var result = await owners.SetRestrictedAsync(name, body.Restricted.Value, principal!, context.RequestAborted);
            return result.Error is { } error ? CargoResults.Error(error) : Results.Json(new { ok = true, restricted = result.Value });
        });

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#owners-add
        api.MapPut("/{name}/owners", async (string name, HttpContext context, OwnerService owners) =>
        {
            var (principal, problem) = await context.RequirePrincipalAsync();
            if (problem is not null) return problem;
            var logins = await ReadOwnerLoginsAsync(context);
            if (logins is null) return CargoResults.Error(StatusCodes.Status400BadRequest, "expected a JSON body like {\"users\":[\"login\"]}");
            var result = await owners.AddAsync(name, logins, principal!, context.RequestAborted);
            return result.Error is { } error ? CargoResults.Error(error) : Results.Json(new { ok = true, msg = result.Value });
        });

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#owners-remove
        api.MapDelete("/{name}/owners", async (string name, HttpContext context, OwnerService owners) =>
        {
            var (principal, problem) = await context.RequirePrincipalAsync();
            if (problem is not null) return problem;
            var logins = await ReadOwnerLoginsAsync(context);
            if (logins is null) return CargoResults.Error(StatusCodes.Status400BadRequest, "expected a JSON body like {\"users\":[\"login\"]}");
            var result = await owners.RemoveAsync(name, logins, principal!, context.RequestAborted);
            return result.Error is { } error ? CargoResults.Error(error) : Results.Json(new { ok = true, msg = result.Value });
        });

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#search
        api.MapGet("/", async (string? q, int? per_page, int? page, HttpContext context, SearchService search, ProxySearchService upstreamSearch, CancellationToken ct) =>
        {
            // Restricted crates the caller may not read are left out (auth-required mode).
            var caller = await context.GetCallerAsync();
            var found = await search.SearchAsync(q, per_page, page, caller.Principal, ct);
            var crates = found.Crates.Select(c => (object)new { name = c.Name, max_version = c.MaxVersion, description = c.Description, downloads = c.Downloads, updated_at = c.UpdatedAt }).ToList();
            // Upstreams with IncludeInSearch fill the rest of the first page, marked so nobody mistakes them for private crates.
            var room = Math.Clamp(per_page ?? SearchService.DefaultPerPage, 1, SearchService.MaxPerPage) - crates.Count;
            var (upstreamHits, upstreamTotal) = (page ?? 1) <= 1 && room > 0 ? await upstreamSearch.SearchIncludedAsync(q ?? "", room, ct) : ([], 0);
            crates.AddRange(upstreamHits.Take(room).Select(h => (object)new
            {
                name = h.Crate.Name,
                max_version = h.Crate.MaxVersion,
                description = $"[from {h.Upstream}] {h.Crate.Description}".TrimEnd(),
                registry = h.Upstream,
            }));
            return Results.Json(new { crates, meta = new { total = found.Total + upstreamTotal } });
        }).AddEndpointFilter(CargoAuthentication.RequireReadAccess);

        // The `dl` template of config.json: {dl}/{crate}/{version}/download.
        api.MapGet("/{name}/{version}/download", async (string name, string version, HttpContext context, DownloadService downloads, CrateAccess access, IOptions<RegistryOptions> options) =>
        {
            if (!await access.CanReadAsync(name, (await context.GetCallerAsync()).Principal, context.RequestAborted))
                return CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{name}` has no version `{version}` in this registry");
            var download = await downloads.OpenAsync(name, version, context.RequestAborted);
            if (download is null) return CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{name}` has no version `{version}` in this registry");
            if (CrateFileResponses.SetHeadersAndCheck(context, options.Value, download.ETag))
            {
                await download.Content.DisposeAsync();
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
            context.Response.ContentLength = download.Content.Length;
            Core.Operations.GhostCrateMetrics.Downloaded(Core.Operations.GhostCrateMetrics.SourcePrivate, Core.Operations.GhostCrateMetrics.FromStorage);
            return Results.Stream(download.Content.Stream, CrateFileResponses.ContentType, fileDownloadName: null, lastModified: download.Content.LastModified);
        }).AddEndpointFilter(CargoAuthentication.RequireReadAccess);

        // Not part of Cargo's API, but what crates.io answers and what scripts and the UI use.
        api.MapGet("/{name}", async (string name, HttpContext context, ICrateRepository crates, CrateAccess access, CancellationToken ct) =>
        {
            var crate = await crates.FindAsync(GhostCrate.Protocol.Crates.CrateName.Canonicalize(name), ct);
            if (crate is null || !await access.CanReadAsync(crate, (await context.GetCallerAsync()).Principal, ct)) return CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{name}` does not exist in this registry");
            var versions = await crates.ListVersionsAsync(crate.Id, ct);
            return Results.Json(new
            {
                crate = new { name = crate.Name, max_version = crate.MaxVersion, description = crate.Description, downloads = crate.Downloads, created_at = crate.CreatedAt, updated_at = crate.UpdatedAt },
                versions = versions.OrderByDescending(v => v.Id).Select(v => new { num = v.Version, yanked = v.Yanked, checksum = v.Checksum, size = v.Size, downloads = v.Downloads, created_at = v.CreatedAt, license = v.License }),
            });
        }).AddEndpointFilter(CargoAuthentication.RequireReadAccess);

        app.Map("/api/v1/{**rest}", (string? rest) =>
            CargoResults.Error(StatusCodes.Status404NotFound, $"`/api/v1/{rest}` is not an API route of this registry"));
        return app;
    }

    private static async Task<IResult> SetYankedAsync(string name, string version, bool yanked, HttpContext context, YankService yanks)
    {
        var (principal, problem) = await context.RequirePrincipalAsync();
        if (problem is not null) return problem;
        var result = await yanks.SetYankedAsync(name, version, yanked, principal!, context.RequestAborted);
        return result.Error is { } error ? CargoResults.Error(error) : Results.Json(new { ok = true });
    }

    private sealed class AccessBody
    {
        public bool? Restricted { get; set; }
    }

    private static async Task<IReadOnlyList<string>?> ReadOwnerLoginsAsync(HttpContext context)
    {
        if (context.Request.ContentLength > SmallBodyLimit) return null;
        try
        {
            using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (!doc.RootElement.TryGetProperty("users", out var users) || users.ValueKind != JsonValueKind.Array) return null;
            var logins = new List<string>();
            foreach (var user in users.EnumerateArray())
            {
                if (user.ValueKind != JsonValueKind.String) return null;
                logins.Add(user.GetString()!);
            }
            return logins;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
