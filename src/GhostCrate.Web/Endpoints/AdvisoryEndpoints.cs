using System.Text;
using GhostCrate.Core.Advisories;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Options;
using GhostCrate.Protocol.Api;
using GhostCrate.Protocol.Crates;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

using CargoError = Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<GhostCrate.Protocol.Api.CargoErrorResponse>;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Security advisories (docs/security.md): a version with its advisories (crates.io's version route, Cargo's error
/// envelope), the advisories of a crate, and an audit of a Cargo.lock (problem details). Reads: anonymous unless
/// Registry:AuthRequired; restricted crates the caller may not read are not disclosed.
/// </summary>
public static class AdvisoryEndpoints
{
    public static IEndpointRouteBuilder MapAdvisories(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/crates/{name}/{version}", GetVersionAsync)
            .AddEndpointFilter(CargoAuthentication.RequireReadAccess)
            .WithTags(ApiDocs.CargoTag).Auth(ApiAuth.Read)
            .Operation("getVersion", "One version of a crate with the security advisories that affect it and its content flags").CargoErrors(401, 404)
            .ResponseExample(200, """{"version":{"crate":"smallvec","num":"1.6.0","yanked":false,"checksum":"0000000000000000000000000000000000000000000000000000000000000000","size":1234,"downloads":0,"created_at":"2026-12-05T00:00:00+00:00","license":"MIT","license_expression":"MIT","license_ids":["MIT"],"advisories":[{"id":"RUSTSEC-2021-0003","package":"smallvec","title":"Buffer overflow in SmallVec::insert_many","description":"...","date":"2021-01-08","kind":"vulnerability","severity":"critical","cvss":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","url":"https://github.com/servo/rust-smallvec/issues/252","aliases":["CVE-2021-25900"],"patched":[">= 0.6.14, < 1.0.0",">= 1.6.1"],"unaffected":["< 0.6.3"],"withdrawn":null,"cvss_score":9.8}],"content_flags":[{"kind":"build_script","path":"build.rs","detail":"runs at build time on every machine that builds this crate"}]}}""");

        var api = app.MapGroup("/api/v1").WithTags(ApiDocs.SecurityTag);
        api.MapGet("/advisories", GetAdvisoriesAsync).Auth(ApiAuth.Read)
            .Operation("getAdvisories", "Security advisories of a crate (RustSec) and the versions of it this registry holds that they affect")
            .Problems(400, 401);
        api.MapPost("/audit", AuditAsync).Auth(ApiAuth.Read)
            .Operation("auditLockFile", "Advisories affecting the packages of a Cargo.lock (the body), like cargo-audit",
                $"The body is the Cargo.lock text (at most {LockFileReader.MaxBytes} bytes). Vulnerabilities and warnings (unmaintained, unsound, notice) are counted apart.")
            .BinaryBody("text/plain")
            .Problems(400, 401, 413);
        return app;
    }

    internal static async Task<Results<Ok<VersionResponse>, CargoError>> GetVersionAsync(
        string name, string version, HttpContext context, ICrateRepository crates, CrateAccess access, AdvisoryService advisories,
        Core.ContentChecks.IContentFlagRepository contentFlags)
    {
        var ct = context.RequestAborted;
        var (crate, row, error) = await VersionLookup.FindAsync(name, version, (await context.GetCallerAsync()).Principal, crates, access, ct);
        if (error is not null) return error;
        var found = await advisories.ForVersionAsync(crate!.Name, row!.Version, ct);
        var flags = await contentFlags.ForVersionAsync(Core.ContentChecks.ContentFlagSources.Private, CrateName.Canonicalize(crate.Name), row.Version, ct);
        // The same parse as at publish (deterministic), so the normalised form matches what was checked and stored.
        var license = string.IsNullOrWhiteSpace(row.License) ? null : Core.Licenses.LicenseExpressionParser.Parse(row.License).Expression;
        return TypedResults.Ok(new VersionResponse(new VersionDetail(
            crate.Name, row.Version, row.Yanked, row.Checksum, row.Size, row.Downloads, row.CreatedAt, row.License,
            [.. found.Select(AdvisoryDto.Of)], [.. flags.Select(ContentFlagDto.Of)], license?.Normalized, license?.LicenseIds ?? [], row.YankMessage)));
    }

    private static async Task<Results<Ok<CrateAdvisoriesResponse>, ProblemHttpResult>> GetAdvisoriesAsync(
        string? crate, HttpContext context, AdvisoryService advisories, IAdvisoryRepository store, CrateAccess access)
    {
        var ct = context.RequestAborted;
        var (principal, denied) = await ReadAccessAsync(context);
        if (denied is not null) return denied;
        if (string.IsNullOrWhiteSpace(crate) || crate.Length > CrateName.MaxLength || !crate.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "give a crate name: /api/v1/advisories?crate=NAME");

        var list = await advisories.ForCrateAsync(crate, ct);
        // RustSec's data is public; which versions of a restricted private crate exist is not.
        var mayReadPrivate = await access.CanReadAsync(crate, principal, ct);
        var affected = (await store.AffectedAsync(CrateName.Canonicalize(crate), null, ct))
            .Where(a => mayReadPrivate || a.Source != VersionSources.Private)
            .Select(a => new AffectedVersionDto(a.Version, a.Source, a.AdvisoryId)).ToList();
        return TypedResults.Ok(new CrateAdvisoriesResponse(crate, [.. list.Select(AdvisoryDto.Of)], affected));
    }

    private static async Task<Results<Ok<AuditResponse>, ProblemHttpResult>> AuditAsync(HttpContext context, AdvisoryService advisories)
    {
        var ct = context.RequestAborted;
        var (_, denied) = await ReadAccessAsync(context);
        if (denied is not null) return denied;
        // The server's default body limit (1 MiB, `ghostcrate serve`) is below a large workspace's lock file: this
        // route's own bound applies (BoundedBody raises the server's for this request).
        using var body = await BoundedBody.ReadAsync(context, LockFileReader.MaxBytes);
        if (body is null) return ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, $"the Cargo.lock is larger than {LockFileReader.MaxBytes} bytes");
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.GetBuffer(), 0, (int)body.Length);
        }
        catch (DecoderFallbackException)
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "the Cargo.lock is not UTF-8 text");
        }
        var (packages, error) = LockFileReader.Read(text);
        if (packages is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, error!);

        var findings = await advisories.AuditAsync(packages, ct);
        return TypedResults.Ok(new AuditResponse(
            packages.Count,
            findings.Count(f => !f.Advisory.IsWarning),
            findings.Count(f => f.Advisory.IsWarning),
            [.. findings.Select(f => new AuditFindingDto(f.Crate, f.Version, AdvisoryDto.Of(f.Advisory), AdvisoryMatcher.Solution(f.Advisory)))]));
    }

    /// <summary>The read rule of Cargo's routes (anonymous unless Registry:AuthRequired), answered as problem details.</summary>
    private static async Task<(Core.Identity.Principal? Principal, ProblemHttpResult? Denied)> ReadAccessAsync(HttpContext context)
    {
        var caller = await context.GetCallerAsync();
        var options = context.RequestServices.GetRequiredService<IOptions<RegistryOptions>>().Value;
        if (caller.Principal is null && options.AuthRequired)
        {
            var urls = context.RequestServices.GetRequiredService<RegistryUrls>();
            context.Response.Headers.WWWAuthenticate = $"Cargo login_url=\"{urls.LoginUrl(context.Request)}\"";
            return (null, ApiResults.Problem(StatusCodes.Status401Unauthorized, caller.Failure ?? "this registry requires authentication; send a token from this registry"));
        }
        return (caller.Principal, null);
    }
}
