using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Ui;

/// <summary>
/// Headers on every HTML response. The Content-Security-Policy allows scripts and styles from this origin only (every script is
/// a file under /assets, none inline), so even a README that slipped past the sanitiser could not run code. Images
/// may come from anywhere over http(s): READMEs show badges from shields.io and the like.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Set by the graph page (HttpContext.Items): cytoscape injects one fixed style sheet
    /// (`.__________cytoscape_container{position:relative}`), allowed by its hash; nothing else is opened up.
    /// </summary>
    public const string AllowCytoscapeStyleItem = "GhostCrate.Csp.CytoscapeStyle";

    internal const string CytoscapeStyleHash = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var response = http.Response;
            if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                var headers = response.Headers;
                // Served rustdoc pages set their own, stricter policy (a sandbox, Web/Docs/DocsResponses): keep it.
                headers.ContentSecurityPolicy = http.Items.TryGetValue(Docs.DocsResponses.PolicyItem, out var own) && own is string policy
                    ? policy
                    : http.Items.ContainsKey(AllowCytoscapeStyleItem)
                        ? ContentSecurityPolicy.Replace("style-src 'self'", "style-src 'self' " + CytoscapeStyleHash, StringComparison.Ordinal)
                        : ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
            }
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
