using System.Net;
using GhostCrate.Web.Ui.Assets;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.OpenApi;

/// <summary>
/// /api/docs: Swagger UI over /api/openapi.json. The site's Content-Security-Policy (Ui/SecurityHeaders) allows
/// scripts and styles from this origin only, so the page is files only: the vendored bundle and stylesheet, and
/// wwwroot/js/api-docs.js, which starts it (no inline script, no CDN, no call to Swagger's online validator).
/// </summary>
internal static class ApiReferencePage
{
    public static IResult Render(AssetCatalog assets)
    {
        string Url(string path) => WebUtility.HtmlEncode(assets.Url(path));
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>GhostCrate API reference</title>
              <link rel="icon" href="{Url("favicon.svg")}" type="image/svg+xml">
              <link rel="stylesheet" href="{Url("vendor/swagger-ui.css")}">
            </head>
            <body>
              <main id="api-reference" data-openapi-url="openapi.json"></main>
              <script src="{Url("vendor/swagger-ui-bundle.js")}"></script>
              <script src="{Url("js/api-docs.js")}"></script>
            </body>
            </html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }
}
