using GhostCrate.Core.Crates;
using GhostCrate.Core.Sbom;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

using CargoError = Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<GhostCrate.Protocol.Api.CargoErrorResponse>;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// A version's software bill of materials (docs/security.md#sbom): CycloneDX 1.5 JSON (default) or SPDX 2.3 JSON for
/// its resolved dependency closure. Read like the version itself: anonymous unless Registry:AuthRequired, and a
/// restricted crate the caller may not read is "not found". Errors use Cargo's envelope, like the version route beside it.
/// </summary>
public static class SbomEndpoints
{
    public static IEndpointRouteBuilder MapSbom(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/crates/{name}/{version}/sbom", GetSbomAsync)
            .AddEndpointFilter(CargoAuthentication.RequireReadAccess)
            .WithTags(ApiDocs.SecurityTag).Auth(ApiAuth.Read)
            .Operation("getVersionSbom", "Software bill of materials of a version: CycloneDX 1.5 or SPDX 2.3 JSON",
                "`format` is `cyclonedx` (default) or `spdx`. The closure holds the version's normal and build dependencies (not dev), "
                + "each resolved to the newest matching non-yanked version of the index cargo would read it from (this registry, or the proxy's "
                + "cached crates.io index); a dependency whose index is not available here is listed unresolved, with its requirement. "
                + "Components carry purls, SHA-256 hashes, licences, and the RustSec advisories that affect them.")
            .Produces(StatusCodes.Status200OK, typeof(System.Text.Json.Nodes.JsonObject), "application/vnd.cyclonedx+json", "application/spdx+json")
            .CargoErrors(400, 401, 404, 422);
        return app;
    }

    private static async Task<Results<FileContentHttpResult, CargoError>> GetSbomAsync(
        string name, string version, string? format, HttpContext context, ICrateRepository crates, CrateAccess access, SbomService sboms, RegistryUrls urls)
    {
        var ct = context.RequestAborted;
        var principal = (await context.GetCallerAsync()).Principal;
        if (!SbomFormats.TryParse(format, out var sbomFormat))
            return CargoResults.Error(StatusCodes.Status400BadRequest, $"unknown SBOM format `{format}`: use `cyclonedx` (CycloneDX 1.5 JSON) or `spdx` (SPDX 2.3 JSON)");
        var (crate, row, notFound) = await VersionLookup.FindAsync(name, version, principal, crates, access, ct);
        if (notFound is not null) return notFound;

        var (document, error) = await sboms.ForVersionAsync(crate!, row!, $"sparse+{urls.BaseUrl(context.Request)}/index/", principal, ct);
        if (document is null) return CargoResults.Error(StatusCodes.Status422UnprocessableEntity, error!);
        var fileName = $"{crate!.Name}-{row!.Version}.{(sbomFormat == SbomFormat.CycloneDx ? "cdx" : "spdx")}.json";
        context.Response.Headers.ContentDisposition = $"inline; filename=\"{fileName}\"";
        return TypedResults.File(SbomService.Render(document, sbomFormat), SbomFormats.ContentType(sbomFormat));
    }
}
