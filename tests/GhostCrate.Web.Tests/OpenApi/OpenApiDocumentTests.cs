using System.Net;
using System.Text.Json;
using GhostCrate.Web.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.OpenApi;

/// <summary>
/// /api/openapi.json from a real server: every JSON route is in it (so a new route cannot be forgotten), each
/// operation is named, summarised and tagged, and error responses say which envelope the route really answers.
/// </summary>
public sealed class OpenApiDocumentTests
{
    /// <summary>
    /// Routes that are deliberately not in the document, each with the reason. Razor pages are recognised by their
    /// metadata and never listed here. Anything else the server maps must be in the document.
    /// </summary>
    private static readonly Dictionary<string, string> NotJsonApi = new(StringComparer.Ordinal)
    {
        ["/index/{path}"] = "the sparse index's files (JSON lines per crate, Cargo's registry-index format), not a JSON API",
        ["/api/v1/{rest}"] = "catch-all: unknown API routes answer 404 in Cargo's envelope",
        ["/crates-io/index/config.json"] = "a proxy mount's config.json: a file cargo reads",
        ["/crates-io/index/{path}"] = "a proxy mount's index files",
        ["/crates-io/api/v1/crates/{name}/{version}/download"] = "a proxy mount's .crate downloads (files)",
        ["/crates-io/api/v1/{rest}"] = "catch-all: a proxy mount is read-only and answers 404 in Cargo's envelope",
        ["/mirror/index/config.json"] = "the offline mirror's config.json: a file cargo reads",
        ["/mirror/index/{path}"] = "the offline mirror's index files",
        ["/mirror/crates/{name}/{version}/download"] = "the offline mirror's .crate files",
        ["/rustup/{path}"] = "the offline mirror's rustup toolchains: a dist server's files (channel manifests, archives) for rustup",
        ["/rustup/custom/{name}/dist/{path}"] = "a custom toolchain's dist root: its generated channel manifest (.sha256, .asc) and archives, files for `ghostcrate toolchain install`",
        ["/assets/{path}"] = "the web UI's static files",
        ["/login"] = "the sign-in form post (redirects; its JSON variant is for tests and scripts)",
        ["/logout"] = "the sign-out form post",
        ["/login/{provider}"] = "single sign-on: the browser is redirected to the provider",
        ["/login/{provider}/callback"] = "single sign-on: the provider redirects the browser back",
        ["/api/openapi.json"] = "the document itself",
        ["/api/docs"] = "the interactive reference page (HTML)",
        ["/ui/brand.css"] = "the accent colour in use as a style sheet (CSS, Ui:AccentColor or /admin/branding)",
        ["/ui/logo"] = "the logo uploaded on /admin/branding (an image, served in a CSP sandbox)",
        ["/docs/{name}/{version}/{path}"] = "a version's rustdoc files (HTML, JavaScript, CSS), served in a CSP sandbox",
        ["/feeds/crates.atom"] = "the new-crates Atom feed (XML; GET /api/v1/me/feeds gives its URL)",
        ["/feeds/updates.atom"] = "the recent-releases Atom feed (XML)",
        ["/feeds/crates/{name}.atom"] = "one crate's releases as an Atom feed (XML)",
    };

    [Fact]
    public async Task Every_route_of_the_server_is_in_the_document_or_explicitly_excluded()
    {
        await using var app = await StartFullAppAsync();
        var document = await FetchDocumentAsync(app);
        var documented = Operations(document).Select(o => (o.Path, o.Method)).ToHashSet();

        var missing = new List<string>();
        var routes = 0;
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            // Razor pages and their form posts are the UI, not the API.
            if (endpoint.Metadata.Any(m => m is Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor)) continue;
            var path = Normalize(endpoint.RoutePattern.RawText ?? "");
            if (NotJsonApi.ContainsKey(path)) continue;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (methods is null or { Count: 0 })
            {
                missing.Add($"{path} (all methods)");
                continue;
            }
            foreach (var method in methods)
            {
                routes++;
                if (!documented.Contains((path, method.ToUpperInvariant()))) missing.Add($"{method} {path}");
            }
        }
        Assert.True(missing.Count == 0, "routes missing from /api/openapi.json (document them, or add them with a reason to NotJsonApi):\n" + string.Join("\n", missing));
        // The proxy's search and the offline mirror's status are there because both are configured here.
        Assert.Contains(("/crates-io/api/v1/crates", "GET"), documented);
        Assert.Contains(("/api/v1/crates/new", "PUT"), documented);
        Assert.Contains(("/api/v1/admin/mirror/runs", "POST"), documented);
        Assert.Contains(("/api/v1/admin/mirror/toolchain-sync", "POST"), documented);
        Assert.Contains(("/api/v1/admin/mirror/runs/{id}/bundle", "GET"), documented);
        Assert.True(routes > 50, $"only {routes} routes were checked");
    }

    [Fact]
    public async Task Every_operation_is_named_summarised_tagged_and_secured()
    {
        await using var app = await StartFullAppAsync();
        var document = await FetchDocumentAsync(app);
        var operations = Operations(document).ToList();
        var tags = document.GetProperty("tags").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t);

        var problems = new List<string>();
        foreach (var (path, method, operation) in operations)
        {
            var name = $"{method} {path}";
            if (!operation.TryGetProperty("operationId", out var id) || string.IsNullOrWhiteSpace(id.GetString())) problems.Add($"{name}: no operationId");
            if (!operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString())) problems.Add($"{name}: no summary");
            if (!operation.TryGetProperty("security", out _)) problems.Add($"{name}: no security (say which credentials it takes)");
            if (!operation.TryGetProperty("tags", out var opTags) || opTags.GetArrayLength() == 0) problems.Add($"{name}: no tag");
            else foreach (var tag in opTags.EnumerateArray())
                {
                    if (!tags.TryGetValue(tag.GetString()!, out var described) || !described.TryGetProperty("description", out _)) problems.Add($"{name}: tag `{tag}` is not described");
                }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var ids = operations.Select(o => o.Operation.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Cargo_routes_describe_cargos_error_envelope_and_the_others_problem_details()
    {
        await using var app = await StartFullAppAsync();
        var document = await FetchDocumentAsync(app);

        var checkedResponses = 0;
        var problems = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            var cargoRoute = path.StartsWith("/api/v1/crates", StringComparison.Ordinal) || path == "/api/v1/docs/{name}/{version}" || path == "/crates-io/api/v1/crates" || path == "/index/config.json";
            // The probes answer their own report on 503 too (which checks failed), not an error envelope.
            var probe = operation.TryGetProperty("tags", out var tags) && tags.EnumerateArray().Any(t => t.GetString() == "Health");
            foreach (var response in operation.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
            {
                checkedResponses++;
                var content = response.Value.GetProperty("content");
                if (probe)
                {
                    if (!content.TryGetProperty("application/json", out var report) || report.GetProperty("schema").GetProperty("$ref").GetString() != "#/components/schemas/HealthReport")
                        problems.Add($"{method} {path} {response.Name}: a probe's error answer is not its HealthReport");
                    continue;
                }
                var expected = cargoRoute ? "application/json" : "application/problem+json";
                if (!content.TryGetProperty(expected, out var media))
                {
                    problems.Add($"{method} {path} {response.Name}: no {expected} body");
                    continue;
                }
                var reference = media.GetProperty("schema").GetProperty("$ref").GetString();
                var schema = cargoRoute ? "#/components/schemas/CargoErrorResponse" : "#/components/schemas/ProblemDetails";
                if (reference != schema) problems.Add($"{method} {path} {response.Name}: schema {reference}, expected {schema}");
                if (!media.TryGetProperty("example", out _)) problems.Add($"{method} {path} {response.Name}: no example");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(checkedResponses > 100, $"only {checkedResponses} error responses were found");

        // The envelope's schema is the Protocol DTO's: {"errors":[{"detail": string}]}.
        var envelope = document.GetProperty("components").GetProperty("schemas").GetProperty("CargoErrorResponse");
        Assert.Equal("#/components/schemas/CargoError", envelope.GetProperty("properties").GetProperty("errors").GetProperty("items").GetProperty("$ref").GetString());
        Assert.True(document.GetProperty("components").GetProperty("schemas").GetProperty("CargoError").GetProperty("properties").TryGetProperty("detail", out _));
    }

    [Fact]
    public async Task The_document_describes_the_real_wire_format_of_typed_results()
    {
        await using var app = await StartFullAppAsync();
        var document = await FetchDocumentAsync(app);
        var paths = document.GetProperty("paths");

        // Publish: Cargo's binary framing in, PublishResponse out, only with a token.
        var publish = paths.GetProperty("/api/v1/crates/new").GetProperty("put");
        Assert.Equal("publishCrate", publish.GetProperty("operationId").GetString());
        Assert.True(publish.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/octet-stream", out _));
        Assert.Equal("#/components/schemas/PublishResponse",
            publish.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var security = Assert.Single(publish.GetProperty("security").EnumerateArray());
        Assert.Equal(["cargoToken"], security.EnumerateObject().Select(p => p.Name));

        // The snake_case names of the JSON API are the schema's (JsonPropertyName on the DTO records).
        var token = document.GetProperty("components").GetProperty("schemas").GetProperty("ApiTokenInfo").GetProperty("properties");
        Assert.True(token.TryGetProperty("endpoint_scopes", out _));
        Assert.True(token.TryGetProperty("expired_at", out _));

        // Bodies the handlers read themselves are described too, as named schemas with an example.
        var tokenBody = paths.GetProperty("/api/v1/me/tokens").GetProperty("put").GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        Assert.Equal("#/components/schemas/ApiTokenCreateBody", tokenBody.GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("ci", tokenBody.GetProperty("example").GetProperty("api_token").GetProperty("name").GetString());

        // Cookie writes need the antiforgery header as well; token writes do not.
        var create = paths.GetProperty("/api/v1/orgs").GetProperty("post");
        var alternatives = create.GetProperty("security").EnumerateArray().Select(r => string.Join("+", r.EnumerateObject().Select(p => p.Name).Order())).ToList();
        Assert.Equal(["cargoToken", "csrfToken+sessionCookie"], alternatives.Order());
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("Authorization", schemes.GetProperty("cargoToken").GetProperty("name").GetString());
        Assert.Equal("cookie", schemes.GetProperty("sessionCookie").GetProperty("in").GetString());
        Assert.Equal("X-CSRF-TOKEN", schemes.GetProperty("csrfToken").GetProperty("name").GetString());

        // And the server answers what the document says: the publish example's shape, an error in Cargo's envelope.
        var missing = await app.Client().GetAsync("/api/v1/crates/no-such-crate");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no-such-crate", await Json.ErrorDetailAsync(missing));
        var unauthorized = await app.Client().GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("application/problem+json", unauthorized.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_document_names_the_address_it_was_fetched_from_and_revalidates_by_etag()
    {
        await using var app = await StartFullAppAsync();
        using var client = app.Client();
        var first = await client.GetAsync("/api/openapi.json");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        var server = (await Json.ReadAsync(first)).GetProperty("servers")[0].GetProperty("url").GetString();
        Assert.Equal(client.BaseAddress!.ToString().TrimEnd('/'), server);

        using var revalidation = new HttpRequestMessage(HttpMethod.Get, "/api/openapi.json");
        revalidation.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(revalidation)).StatusCode);

        // Reached by another name, the same document names that address (and so has another ETag).
        using var otherName = new HttpRequestMessage(HttpMethod.Get, "/api/openapi.json");
        otherName.Headers.Host = "registry.example:8443";
        otherName.Headers.IfNoneMatch.Add(etag);
        var other = await client.SendAsync(otherName);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal("http://registry.example:8443", (await Json.ReadAsync(other)).GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.Equal(
            (await Json.ReadAsync(first)).GetProperty("paths").GetRawText(),
            (await Json.ReadAsync(other)).GetProperty("paths").GetRawText());
    }

    [Fact]
    public async Task The_document_passes_redocly_lint()
    {
        var redocly = RedoclyCli.RequireExecutable();
        await using var app = await StartFullAppAsync();
        var text = await app.Client().GetStringAsync("/api/openapi.json");
        var file = Path.Combine(app.DataDir, "openapi.json");
        await File.WriteAllTextAsync(file, text);

        var (exitCode, output) = await RedoclyCli.LintAsync(redocly, file);
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.True(exitCode == 0, $"redocly lint found errors in /api/openapi.json:\n{output}");
        Assert.Contains("openapi.json", output);
    }

    /// <summary>A server with every kind of route switched on: a proxy upstream (never contacted) and an offline mirror.</summary>
    private static async Task<FullApp> StartFullAppAsync()
    {
        var mirror = Path.Combine(Path.GetTempPath(), "gc-openapi-mirror-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(mirror, "index"));
        var app = await TestApp.StartAsync(new()
        {
            ["Proxy:Enabled"] = "true",
            // A closed local port: building the document must not need the upstream.
            ["Proxy:Upstreams:crates-io:IndexUrl"] = "sparse+http://127.0.0.1:9/index/",
            ["Proxy:Upstreams:crates-io:ApiUrl"] = "http://127.0.0.1:9/",
            ["Mirror:Directory"] = mirror,
        });
        return new FullApp(app, mirror);
    }

    private sealed class FullApp(TestApp app, string mirrorDirectory) : IAsyncDisposable
    {
        public IServiceProvider Services => app.Services;
        public string DataDir => app.DataDir;
        public HttpClient Client(string? token = null) => app.Client(token);

        public async ValueTask DisposeAsync()
        {
            await app.DisposeAsync();
            Directory.Delete(mirrorDirectory, recursive: true);
        }
    }

    private static async Task<JsonElement> FetchDocumentAsync(FullApp app)
    {
        var response = await app.Client().GetAsync("/api/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await Json.ReadAsync(response);
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString());
        return document;
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Name is "parameters" or "summary" or "description" or "servers") continue;
                yield return (path.Name, operation.Name.ToUpperInvariant(), operation.Value);
            }
        }
    }

    /// <summary>"/api/v1/me/tokens/{id:long}" and "/index/{**path}" as the document writes them: "{id}", "{path}"; no trailing '/'.</summary>
    private static string Normalize(string pattern)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{\**([A-Za-z_][A-Za-z0-9_]*)[^}]*\}", "{$1}");
        if (!path.StartsWith('/')) path = "/" + path;
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }
}
