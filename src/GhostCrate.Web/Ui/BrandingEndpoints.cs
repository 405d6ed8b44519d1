using GhostCrate.Core.Branding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Ui;

/// <summary>
/// The branding's own files: the accent's style sheet and the uploaded logo. Both are public (the login page shows
/// them in auth-required mode too) and both URLs carry a hash of the content, so a changed accent or logo is a new
/// URL that every node answers from memory and browsers may cache for a year.
/// </summary>
public static class BrandingEndpoints
{
    /// <summary>
    /// The logo's Content-Security-Policy: an SVG opened directly (not through an img, where script never runs) is
    /// sandboxed with nothing allowed but its own inline styles, as crates' README images are (Ui/Source/CrateImages).
    /// </summary>
    public const string LogoPolicy = Source.CrateImages.Policy;

    public static IEndpointRouteBuilder MapBrandingFiles(this IEndpointRouteBuilder app)
    {
        // GET /ui/brand.css: the accent colour's style sheet.
        app.MapGet(Branding.StyleSheetPath, (Branding branding, HttpContext context) =>
        {
            if (branding.StyleSheet is null) return Results.NotFound();
            context.Response.Headers.CacheControl = CacheControl(context, branding.StyleSheetUrl!);
            return Results.Text(branding.StyleSheet, "text/css; charset=utf-8");
        }).ExcludeFromDescription();

        // GET /ui/logo: the logo uploaded on /admin/branding.
        app.MapGet(Branding.LogoPath, (Branding branding, HttpContext context) =>
        {
            if (branding.Logo is not { } logo) return Results.NotFound();
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = LogoPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            headers.CacheControl = CacheControl(context, branding.LogoUrl!);
            return Results.Bytes(logo.Content, logo.ContentType);
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>Immutable for the URL of the current content; an old or bare URL is revalidated, so it never shows a stale file for long.</summary>
    private static string CacheControl(HttpContext context, string currentUrl) =>
        string.Equals(context.Request.Path + context.Request.QueryString, currentUrl, StringComparison.Ordinal)
            ? "public, max-age=31536000, immutable"
            : "no-cache";
}
