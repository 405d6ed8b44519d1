using GhostCrate.Core.Branding;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static GhostCrate.Web.Endpoints.ApiReplies;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Branding set from the admin API (docs/ui.md#branding), administrators only, problem details on errors: read the
/// effective values with their source, replace the overrides, upload or remove a logo, reset to the configuration.
/// Validation, audit and the other nodes' refresh are Core/Branding/BrandingService's.
/// </summary>
public static class BrandingAdminEndpoints
{
    private const string BodyHint = "expected JSON {\"display_name\", \"registry_name\", \"accent_color\", \"footer_text\", \"login_message\"}: each a string, or null for the configuration's value";

    public static IEndpointRouteBuilder MapBrandingAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin/branding").WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession);
        admin.MapGet("", (HttpContext context, BrandingService service) => WithCaller(context, async p =>
            Reply(await service.GetAsync(p, context.RequestAborted), BrandingDto.Of)))
            .Operation("getBranding", "The branding every node shows, each value with its source: configuration or admin (administrators)")
            .Problems(400, 401, 403);

        admin.MapPut("", (HttpContext context, BrandingService service) => WithCaller(context, async Task<Results<Ok<BrandingDto>, ProblemHttpResult>> (p) =>
        {
            // The caller first, as for the logo: a non-administrator's body is neither read nor judged.
            if ((Guards.RequireAdmin(p) ?? Guards.RequireWriter(p)) is { } denied) return ApiResults.Problem(denied);
            var body = await JsonBody.ReadAsync<BrandingBody>(context);
            if (body is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, BodyHint);
            return Reply(await service.SaveAsync(p, body.ToTexts(), context.RequestAborted), BrandingDto.Of);
        })).Operation("setBranding", "Replace the branding set by administrators; a null or missing field returns to the configuration's value (administrators)",
                "The accent colour must keep WCAG AA contrast (3:1) against the light and dark page backgrounds; the registry name must be a cargo registry name. The uploaded logo is not changed.")
            .JsonBody<BrandingBody>()
            .RequestExample("""{"display_name":"Acme Crates","registry_name":"acme","accent_color":"#2f6fdf","footer_text":"Run by the platform team","login_message":"Use your Acme account"}""")
            .Problems(400, 401, 403);

        admin.MapDelete("", (HttpContext context, BrandingService service) => WithCaller(context, async p =>
            Reply(await service.ResetAsync(p, context.RequestAborted), BrandingDto.Of)))
            .Operation("resetBranding", "Reset the branding to the configuration: clears every override and the uploaded logo (administrators)")
            .Problems(400, 401, 403);

        admin.MapPut("/logo", (HttpContext context, BrandingService service) => WithCaller(context, async Task<Results<Ok<BrandingDto>, ProblemHttpResult>> (p) =>
        {
            // Refused before a byte of the body is read: a non-administrator never makes the server buffer a logo.
            // BrandingService.SetLogoAsync checks the same again (its other callers).
            if ((Guards.RequireAdmin(p) ?? Guards.RequireWriter(p)) is { } denied) return ApiResults.Problem(denied);
            using var body = await BoundedBody.ReadAsync(context, LogoCheck.MaxBytes);
            if (body is null) return ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, $"the logo is larger than {LogoCheck.MaxBytes} bytes ({LogoCheck.MaxBytes / 1024} KiB)");
            return Reply(await service.SetLogoAsync(p, body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted), BrandingDto.Of);
        })).Operation("setBrandingLogo", "Upload the logo shown in every page's header (administrators)",
                $"The body is the image: PNG, WebP or SVG (the type is read from the bytes), at most {LogoCheck.MaxBytes} bytes. An SVG with script, event handlers or embedded HTML is refused; the logo is served under a sandbox policy.")
            .BinaryBody("application/octet-stream")
            .Problems(400, 401, 403, 413);

        admin.MapDelete("/logo", (HttpContext context, BrandingService service) => WithCaller(context, async p =>
            Reply(await service.RemoveLogoAsync(p, context.RequestAborted), BrandingDto.Of)))
            .Operation("removeBrandingLogo", "Remove the uploaded logo: Ui:LogoUrl or the built-in logo is shown again (administrators)")
            .Problems(400, 401, 403);
        return app;
    }
}
