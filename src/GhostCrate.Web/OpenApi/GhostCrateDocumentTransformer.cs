using System.Reflection;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GhostCrate.Web.OpenApi;

/// <summary>The document's title, conventions, credentials (security schemes) and tags.</summary>
internal sealed class GhostCrateDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string CargoTokenScheme = "cargoToken";
    public const string SessionScheme = "sessionCookie";
    public const string CsrfScheme = "csrfToken";

    private static readonly (string Name, string Description)[] Tags =
    [
        (ApiDocs.CargoTag, "Cargo's web API (https://doc.rust-lang.org/cargo/reference/registry-web-api.html) and crates.io-shaped reads. Errors use Cargo's envelope `{\"errors\":[{\"detail\":\"...\"}]}`, whose details cargo prints."),
        (ApiDocs.IndexTag, "The sparse index's configuration (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-configuration). Index files themselves are plain files under /index/ and are not listed here."),
        (ApiDocs.StatsTag, "Downloads per day, shaped like crates.io's. Errors use Cargo's envelope."),
        (ApiDocs.AccountTag, "The caller's account and API tokens. Errors are RFC 9457 problem details."),
        (ApiDocs.OrganizationsTag, "Organizations, members, invitations and teams. Errors are problem details."),
        (ApiDocs.AdminTag, "Administrators only: users, the audit log, the offline mirror's status. Errors are problem details."),
        (ApiDocs.ProxyTag, "The crates.io pull-through proxy: search forwarded to an upstream (Cargo's envelope), status and cache warming (administrators, problem details)."),
        (ApiDocs.SessionTag, "For browsers and scripts that use the session cookie: the antiforgery token and the single sign-on providers."),
        (ApiDocs.SecurityTag, "RustSec security advisories of crates and audits of Cargo.lock files (docs/security.md). Errors are problem details."),
        (ApiDocs.DocsTag, "Rustdoc of each version (docs/rustdoc.md): uploaded from CI or built by the registry, served under /docs/. Errors use Cargo's envelope."),
        (ApiDocs.HealthTag, "Probes for load balancers and orchestrators (docs/operations.md, \"Health checks\"): anonymous, never cached, 200 when healthy or degraded, 503 otherwise."),
    ];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "GhostCrate API",
            Version = typeof(GhostCrateDocumentTransformer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0",
            Description =
                "The JSON API of a GhostCrate registry: Cargo's registry web API plus accounts, API tokens, organizations, " +
                "administration, the crates.io proxy and the offline mirror.\n\n" +
                "Errors: routes under `/api/v1/crates` (and a proxy's `/{upstream}/api/v1/crates`) answer Cargo's envelope " +
                "`{\"errors\":[{\"detail\":\"...\"}]}`; every other route answers `application/problem+json` (RFC 9457).\n\n" +
                "Credentials: an API token in `Authorization` (verbatim as cargo sends it, or `Bearer <token>`), or in a browser " +
                "the session cookie; writes made with the cookie also need the antiforgery token from `GET /api/v1/csrf` in `X-CSRF-TOKEN`.",
        };

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[CargoTokenScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "Authorization",
            Description = "An API token of this registry (`gcr_...`), sent verbatim as cargo does " +
                "(https://doc.rust-lang.org/cargo/reference/registry-web-api.html#web-api); `Bearer <token>` works too. " +
                "Make one on the account page or with PUT /api/v1/me/tokens.",
        };
        document.Components.SecuritySchemes[SessionScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = SessionCookie.CookieName,
            Description = "The browser session set by signing in (POST /login or single sign-on).",
        };
        document.Components.SecuritySchemes[CsrfScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = CallerExtensions.CsrfHeader,
            Description = "The antiforgery token from GET /api/v1/csrf; required with the session cookie on every write, so another site cannot act for the user.",
        };

        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var (name, description) in Tags)
        {
            if (document.Tags.FirstOrDefault(t => t.Name == name) is { } existing) existing.Description = description;
            else document.Tags.Add(new OpenApiTag { Name = name, Description = description });
        }
        // Tags no operation uses any more (the default one, named after the application, before tags were given) go.
        var used = (document.Paths ?? new OpenApiPaths()).Values
            .SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(t => t.Name)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var unused in document.Tags.Where(t => t.Name is null || !used.Contains(t.Name)).ToList()) document.Tags.Remove(unused);
        return Task.CompletedTask;
    }
}
