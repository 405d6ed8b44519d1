using System.Text.Json;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Options;
using GhostCrate.Core.Policy;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Publishing;
using GhostCrate.Protocol.Api;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

using CargoError = Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<GhostCrate.Protocol.Api.CargoErrorResponse>;

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
        var api = app.MapGroup("/api/v1/crates").WithTags(ApiDocs.CargoTag);

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish
        api.MapPut("/new", async Task<Results<Ok<PublishResponse>, Accepted<HeldPublishResponse>, CargoError>> (HttpContext context, PublishService publisher, IOptions<RegistryOptions> options) =>
        {
            var (principal, problem) = await context.RequirePrincipalAsync();
            if (problem is not null) return problem;
            // The reader also stops at the limits declared inside the frame.
            var settings = options.Value;
            RequestBodyLimit.Set(context, settings.MaxCrateSizeBytes + settings.MaxMetadataSizeBytes + 8);
            var result = await publisher.PublishAsync(context.Request.Body, principal!, context.RequestAborted);
            if (result.Error is { } error) return CargoResults.Error(error);
            var receipt = result.Value!;
            RequestLogMiddleware.SetCrate(context, $"{receipt.Name}@{receipt.Version}");
            var warnings = new PublishWarnings(receipt.InvalidCategories, [], receipt.Warnings);
            // Held: stored, but not in the index. An error envelope makes cargo stop now with the reason instead
            // of polling the index for a version that cannot appear (HeldPublishResponse says why).
            if (receipt.Held is { } held)
                return TypedResults.Accepted((string?)null, new HeldPublishResponse(CargoErrorResponse.Of(held).Errors, warnings));
            return TypedResults.Ok(new PublishResponse(warnings));
        }).AddEndpointFilter(GhostCrate.Web.RateLimiting.RateLimitFilters.Publish)
            .Operation("publishCrate", "Publish a crate version (cargo publish)",
                "The body is Cargo's framing (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish): a 32-bit little-endian " +
                "length, the JSON metadata, a 32-bit little-endian length, the .crate file. A rejected publish stores nothing; a retry is harmless. " +
                "A version held for approval is stored and answered with 202 and Cargo's error envelope, so cargo stops with the reason instead of waiting for the index.")
            .BinaryBody("application/octet-stream")
            .Auth(ApiAuth.CargoToken)
            .CargoErrors(400, 401, 403, 409, 413, 429)
            .ResponseExample(200, """{"warnings":{"invalid_categories":[],"invalid_badges":[],"other":[]}}""")
            .ResponseExample(202, """{"errors":[{"detail":"`acme-tool@1.2.0` is held for approval (content flags: native-binary (bin/helper)): the upload succeeded and the version is stored, but cargo cannot resolve or download it until an administrator of this registry approves it on /admin/held; do not publish it again; you will see it marked \"held\" on the crate page until then"}],"warnings":{"invalid_categories":[],"invalid_badges":[],"other":["`acme-tool@1.2.0` is held for approval (content flags: native-binary (bin/helper)): ..."]}}""");

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#yank
        api.MapDelete("/{name}/{version}/yank", (string name, string version, HttpContext context, YankService yanks) => SetYankedAsync(name, version, true, context, yanks))
            .Operation("yankVersion", "Yank a version (cargo yank)").Auth(ApiAuth.CargoToken).CargoErrors(401, 403, 404)
            .ResponseExample(200, """{"ok":true}""");
        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#unyank
        api.MapPut("/{name}/{version}/unyank", (string name, string version, HttpContext context, YankService yanks) => SetYankedAsync(name, version, false, context, yanks))
            .Operation("unyankVersion", "Undo a yank (cargo yank --undo)").Auth(ApiAuth.CargoToken).CargoErrors(401, 403, 404);

        // crates.io's version update (src/controllers/version/update.rs): yank or unyank with a reason. Cargo cannot
        // send a reason yet; the UI and scripts can. The answer is the version as GET returns it.
        api.MapPatch("/{name}/{version}", async Task<Results<Ok<VersionResponse>, CargoError>> (
            string name, string version, HttpContext context, YankService yanks, ICrateRepository crates, CrateAccess access,
            Core.Advisories.AdvisoryService advisories, Core.ContentChecks.IContentFlagRepository contentFlags) =>
        {
            var (principal, problem) = await context.RequirePrincipalAsync();
            if (problem is not null) return problem;
            var body = await JsonBody.ReadAsync<VersionUpdateRequest>(context);
            if (body?.Version is not { } update)
                return CargoResults.Error(StatusCodes.Status400BadRequest, "expected a JSON body like {\"version\":{\"yanked\":true,\"yank_message\":\"why\"}}");
            var result = await yanks.UpdateAsync(name, version, update.Yanked, update.YankMessage, principal!, context.RequestAborted);
            if (result.Error is { } error) return CargoResults.Error(error);
            return await AdvisoryEndpoints.GetVersionAsync(name, result.Value!.Version, context, crates, access, advisories, contentFlags);
        }).Operation("updateVersion", "Yank or unyank a version with a reason (crates.io's version update)",
                "`yanked` null keeps the current state (to change the reason of a yanked version); a `yank_message` is refused when unyanking " +
                $"or on a version that stays unyanked. At most {YankService.MaxReasonLength} characters. Same rights as `cargo yank`.")
            .Auth(ApiAuth.CargoToken).JsonBody<VersionUpdateRequest>()
            .RequestExample("""{"version":{"yanked":true,"yank_message":"miscompiles on aarch64; use 1.0.1"}}""")
            .CargoErrors(400, 401, 403, 404);

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#owners-list
        // Organizations and teams are listed like crates.io's teams: login `org:acme` / `org:acme:team`, kind "team".
        api.MapGet("/{name}/owners", async Task<Results<Ok<OwnersResponse>, CargoError>> (string name, HttpContext context, OwnerService owners) =>
        {
            var caller = await context.GetCallerAsync();
            var result = await owners.ListAllAsync(name, caller.Principal, context.RequestAborted);
            if (result.Error is { } error) return CargoResults.Error(error);
            var users = result.Value!.Users.Select(o => new OwnerUser(o.UserId, o.Username, null));
            var groups = result.Value.Groups.Select(g => new OwnerUser(g.TeamId ?? g.OrgId, g.Login, null, OwnerUser.TeamKind));
            return TypedResults.Ok(new OwnersResponse(users.Concat(groups).ToList()));
        }).AddEndpointFilter(CargoAuthentication.RequireReadAccess)
            .Operation("listOwners", "List a crate's owners (cargo owner --list)").Auth(ApiAuth.Read).CargoErrors(401, 404)
            .ResponseExample(200, """{"users":[{"id":1,"login":"alice","name":null,"kind":"user"},{"id":3,"login":"org:acme:core","name":null,"kind":"team"}]}""");

        // Per-crate read access (auth-required mode): {"restricted": true} limits the crate to its owners, org and
        // team members and administrators. Changing it needs the same right as changing owners.
        api.MapGet("/{name}/access", async Task<Results<Ok<CrateAccessResponse>, CargoError>> (string name, HttpContext context, OwnerService owners) =>
        {
            var caller = await context.GetCallerAsync();
            var result = await owners.IsRestrictedAsync(name, caller.Principal, context.RequestAborted);
            return result.Error is { } error ? CargoResults.Error(error) : TypedResults.Ok(new CrateAccessResponse(result.Value));
        }).AddEndpointFilter(CargoAuthentication.RequireReadAccess)
            .Operation("getCrateAccess", "Whether a crate is restricted to its owners and groups").Auth(ApiAuth.Read).CargoErrors(401, 404);

        api.MapPut("/{name}/access", async Task<Results<Ok<CrateAccessChangedResponse>, CargoError>> (string name, HttpContext context, OwnerService owners) =>
        {
            var (principal, problem) = await context.RequirePrincipalAsync();
            if (problem is not null) return problem;
            var body = await JsonBody.ReadAsync<CrateAccessBody>(context);
            if (body?.Restricted is null) return CargoResults.Error(StatusCodes.Status400BadRequest, "expected a JSON body like {\"restricted\": true}");
            var result = await owners.SetRestrictedAsync(name, body.Restricted.Value, principal!, context.RequestAborted);
            return result.Error is { } error ? CargoResults.Error(error) : TypedResults.Ok(new CrateAccessChangedResponse(true, result.Value));
        }).Operation("setCrateAccess", "Restrict a crate to its owners and groups, or open it again").Auth(ApiAuth.CargoToken)
            .JsonBody<CrateAccessBody>().RequestExample("""{"restricted":true}""").CargoErrors(400, 401, 403, 404);

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#owners-add
        api.MapPut("/{name}/owners", async Task<Results<Ok<OwnersChangeResponse>, CargoError>> (string name, HttpContext context, OwnerService owners) =>
        {
            var (principal, problem) = await context.RequirePrincipalAsync();
            if (problem is not null) return problem;
            var logins = await ReadOwnerLoginsAsync(context);
            if (logins is null) return CargoResults.Error(StatusCodes.Status400BadRequest, "expected a JSON body like {\"users\":[\"login\"]}");
            var result = await owners.AddAsync(name, logins, principal!, context.RequestAborted);
            return result.Error is { } error ? CargoResults.Error(error) : TypedResults.Ok(new OwnersChangeResponse(true, result.Value!));
        }).Operation("addOwners", "Add owners: users, organizations (org:acme) or teams (org:acme:team) (cargo owner --add)",
                "As on crates.io, a user added by another owner is invited and becomes an owner on accepting (PUT /api/v1/me/crate_owner_invitations/{crate}); " +
                "`msg` says \"user X has been invited to be an owner of crate Y\". Organizations and teams, users added by an administrator and callers adding themselves are owners at once.").Auth(ApiAuth.CargoToken)
            .JsonBody<OwnersChangeRequest>().RequestExample("""{"users":["bob","org:acme:core"]}""").CargoErrors(400, 401, 403, 404);

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#owners-remove
        api.MapDelete("/{name}/owners", async Task<Results<Ok<OwnersChangeResponse>, CargoError>> (string name, HttpContext context, OwnerService owners) =>
        {
            var (principal, problem) = await context.RequirePrincipalAsync();
            if (problem is not null) return problem;
            var logins = await ReadOwnerLoginsAsync(context);
            if (logins is null) return CargoResults.Error(StatusCodes.Status400BadRequest, "expected a JSON body like {\"users\":[\"login\"]}");
            var result = await owners.RemoveAsync(name, logins, principal!, context.RequestAborted);
            return result.Error is { } error ? CargoResults.Error(error) : TypedResults.Ok(new OwnersChangeResponse(true, result.Value!));
        }).Operation("removeOwners", "Remove owners (cargo owner --remove)").Auth(ApiAuth.CargoToken)
            .JsonBody<OwnersChangeRequest>().CargoErrors(400, 401, 403, 404);

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#search
        api.MapGet("/", async Task<Ok<SearchResponse>> (string? q, int? per_page, int? page, HttpContext context, SearchService search, ProxySearchService upstreamSearch, CancellationToken ct) =>
        {
            // Restricted crates the caller may not read are left out (auth-required mode).
            var caller = await context.GetCallerAsync();
            var found = await search.SearchAsync(q, per_page, page, caller.Principal, ct);
            var crates = found.Crates.Select(c => new SearchCrate(c.Name, c.MaxVersion!, c.Description, c.Downloads, c.UpdatedAt)).ToList();
            // Upstreams with IncludeInSearch fill the rest of the first page, marked so nobody mistakes them for private crates.
            var room = Math.Clamp(per_page ?? SearchService.DefaultPerPage, 1, SearchService.MaxPerPage) - crates.Count;
            var (upstreamHits, upstreamTotal) = (page ?? 1) <= 1 && room > 0 ? await upstreamSearch.SearchIncludedAsync(q ?? "", room, ct) : ([], 0);
            crates.AddRange(upstreamHits.Take(room).Select(h => new SearchCrate(
                h.Crate.Name, h.Crate.MaxVersion, $"[from {h.Upstream}] {h.Crate.Description}".TrimEnd(), Registry: h.Upstream)));
            return TypedResults.Ok(new SearchResponse(crates, new SearchMeta(found.Total + upstreamTotal)));
        }).AddEndpointFilter(CargoAuthentication.RequireReadAccess)
            .Operation("searchCrates", "Search crates (cargo search)").Auth(ApiAuth.Read).CargoErrors(401)
            .ResponseExample(200, """{"crates":[{"name":"demo","max_version":"1.2.0","description":"A demo crate","downloads":42,"updated_at":"2026-11-22T10:00:00+00:00"}],"meta":{"total":1}}""");

        // The `dl` template of config.json: {dl}/{crate}/{version}/download.
        api.MapGet("/{name}/{version}/download", async Task<IResult> (string name, string version, HttpContext context, DownloadService downloads, CrateAccess access, DownloadPolicy policy, IOptions<RegistryOptions> options) =>
        {
            if (!await access.CanReadAsync(name, (await context.GetCallerAsync()).Principal, context.RequestAborted))
                return CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{name}` has no version `{version}` in this registry");
            // Storage:S3:PresignedDownloads: after the same checks, the client fetches the bytes from S3 itself.
            if (await downloads.FindLinkAsync(name, version, context.RequestAborted) is { } link)
            {
                if (await policy.CheckAsync(Core.Advisories.VersionSources.Private, name, version, context.RequestAborted) is { } blocked)
                    return CargoResults.Error(StatusCodes.Status403Forbidden, blocked.Detail);
                if (CrateFileResponses.SetRedirectHeadersAndCheck(context, link.ETag))
                    return TypedResults.StatusCode(StatusCodes.Status304NotModified);
                await downloads.CountAsync(link, context.RequestAborted);
                Core.Operations.GhostCrateMetrics.Downloaded(Core.Operations.GhostCrateMetrics.SourcePrivate, Core.Operations.GhostCrateMetrics.FromStorage);
                return TypedResults.Redirect(link.Url.AbsoluteUri);
            }
            var download = await downloads.OpenAsync(name, version, context.RequestAborted);
            if (download is null) return CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{name}` has no version `{version}` in this registry");
            if (await policy.CheckAsync(Core.Advisories.VersionSources.Private, name, version, context.RequestAborted) is { } refused)
            {
                await download.Content.DisposeAsync();
                return CargoResults.Error(StatusCodes.Status403Forbidden, refused.Detail);
            }
            if (CrateFileResponses.SetHeadersAndCheck(context, options.Value, download.ETag))
            {
                await download.Content.DisposeAsync();
                return TypedResults.StatusCode(StatusCodes.Status304NotModified);
            }
            context.Response.ContentLength = download.Content.Length;
            Core.Operations.GhostCrateMetrics.Downloaded(Core.Operations.GhostCrateMetrics.SourcePrivate, Core.Operations.GhostCrateMetrics.FromStorage);
            return TypedResults.Stream(download.Content.Stream, CrateFileResponses.ContentType, fileDownloadName: null, lastModified: download.Content.LastModified);
        }).AddEndpointFilter(CargoAuthentication.RequireReadAccess)
            .Operation("downloadCrate", "Download a .crate file (config.json's `dl`)",
                "The .crate file (gzip tar). Usually served before routing by the download fast path with the same headers; " +
                "ETag and If-None-Match give 304. Each download is counted. A version the security policy blocks " +
                "(docs/security.md#policy) answers 403 with the advisories in the error's detail. With " +
                "Storage:S3:PresignedDownloads the answer is a 302 to a short-lived presigned S3 URL of the file instead.")
            .Auth(ApiAuth.Read)
            .Produces<Stream>(StatusCodes.Status200OK, CrateFileResponses.ContentType)
            .Produces(StatusCodes.Status302Found)
            .Produces(StatusCodes.Status304NotModified)
            .CargoErrors(401, 403, 404);

        // Not part of Cargo's API, but what crates.io answers and what scripts and the UI use.
        api.MapGet("/{name}", async Task<Results<Ok<CrateResponse>, CargoError>> (string name, HttpContext context, ICrateRepository crates, CrateAccess access, CancellationToken ct) =>
        {
            var crate = await crates.FindAsync(GhostCrate.Protocol.Crates.CrateName.Canonicalize(name), ct);
            if (crate is null || !await access.CanReadAsync(crate, (await context.GetCallerAsync()).Principal, ct)) return CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{name}` does not exist in this registry");
            var versions = await crates.ListVersionsAsync(crate.Id, ct);
            return TypedResults.Ok(new CrateResponse(
                new CrateSummary(crate.Name, crate.MaxVersion, crate.Description, crate.Downloads, crate.CreatedAt, crate.UpdatedAt),
                versions.OrderByDescending(v => v.Id).Select(v => new CrateVersionSummary(v.Version, v.Yanked, v.Checksum, v.Size, v.Downloads, v.CreatedAt, v.License)).ToList()));
        }).AddEndpointFilter(CargoAuthentication.RequireReadAccess)
            .Operation("getCrate", "A crate and its versions (crates.io's shape)").Auth(ApiAuth.Read).CargoErrors(401, 404);

        // Not an operation: unknown API routes answer 404 in Cargo's envelope rather than an HTML page.
        app.Map("/api/v1/{**rest}", (string? rest) =>
            CargoResults.Error(StatusCodes.Status404NotFound, $"`/api/v1/{rest}` is not an API route of this registry"));
        return app;
    }

    private static async Task<Results<Ok<OkResponse>, CargoError>> SetYankedAsync(string name, string version, bool yanked, HttpContext context, YankService yanks)
    {
        var (principal, problem) = await context.RequirePrincipalAsync();
        if (problem is not null) return problem;
        var result = await yanks.SetYankedAsync(name, version, yanked, principal!, context.RequestAborted);
        return result.Error is { } error ? CargoResults.Error(error) : TypedResults.Ok(OkResponse.Instance);
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
