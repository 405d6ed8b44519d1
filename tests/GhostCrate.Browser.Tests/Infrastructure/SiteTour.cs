using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GhostCrate.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Browser.Tests.Infrastructure;

/// <summary>One page of the tour: the Razor route it exercises, the address visited, and the status it must answer.</summary>
public sealed record TourPage(string Route, string Path, int Status = 200)
{
    public override string ToString() => Path;
}

/// <summary>
/// Every page a signed-in administrator can reach, each with data that fills it (a crate with an older yanked and a
/// deleted version, dependencies, a README with code, an organization with a team, an invitation and webhooks, a
/// held version, hosted docs, a backup target, the proxy and the offline mirror). The accessibility, layout and weight
/// walks all visit <see cref="Pages"/>; <c>SiteTourCoverageTests</c> fails when a Razor page is neither in it nor in
/// <see cref="NotPages"/>, so a new page cannot stay out of the walks.
/// </summary>
public sealed class SiteTour : IDisposable
{
    public const string VisitorPassword = "a long enough password";

    public static readonly IReadOnlyList<TourPage> Pages =
    [
        new("/", "/"),
        new("/search", "/search?q=tour"),
        new("/search", "/search?q=tour&category=web-programming&advisories=true"),
        new("/search", "/search?q=no+such+words+anywhere"),
        new("/categories", "/categories"),
        new("/categories/{slug}", "/categories/web-programming"),
        new("/keywords", "/keywords"),
        new("/keywords/{keyword}", "/keywords/test"),
        new("/toolchains", "/toolchains"),
        new("/crates/{name}/{version?}", "/crates/tour-widget"),
        new("/crates/{name}/{version?}", "/crates/tour-widget/1.0.0"),
        new("/crates/{name}/{version?}", "/crates/tour-widget/1.2.0", 410),
        new("/crates/{name}/{version?}", "/crates/tour-widget/9.9.9", 404),
        new("/crates/{name}/{version?}", "/crates/no-such-crate", 404),
        new("/crates/{name}/dependents", "/crates/tour-base/dependents"),
        new("/crates/{name}/diff", "/crates/tour-widget/diff?from=1.0.0&to=1.1.0"),
        new("/crates/{name}/{version}/graph", "/crates/tour-widget/1.1.0/graph"),
        new("/crates/{name}/{version}/source/{**path}", "/crates/tour-widget/1.1.0/source/"),
        new("/crates/{name}/{version}/source/{**path}", "/crates/tour-widget/1.1.0/source/src/lib.rs"),
        new("/crates/{name}/manage", "/crates/tour-widget/manage"),
        new("/crates/{name}/manage", "/crates/tour-widget/manage?yank=1.1.0"),
        new("/crates/{name}/manage", "/crates/tour-widget/manage?remove=admin"),
        new("/crates/{name}/manage", "/crates/tour-widget/manage?delete=1.1.0"),
        new("/crates/{name}/manage", "/crates/tour-widget/manage?delete=*"),
        new("/crates/{name}/manage", "/crates/tour-base/manage?transfer=tourists"),
        new("/docs/{name}", "/docs/tour-widget"),
        new("/users/{username}", "/users/admin"),
        new("/me", "/me"),
        new("/me/notifications", "/me/notifications"),
        new("/orgs", "/orgs"),
        new("/orgs/{name}", "/orgs/tourists"),
        new("/orgs/{name}/crates", "/orgs/tourists/crates"),
        new("/orgs/{name}/webhooks", "/orgs/tourists/webhooks"),
        new("/admin", "/admin"),
        new("/admin/users", "/admin/users"),
        new("/admin/orgs", "/admin/orgs"),
        new("/admin/audit", "/admin/audit"),
        new("/admin/licenses", "/admin/licenses"),
        new("/admin/advisories", "/admin/advisories"),
        new("/admin/held", "/admin/held"),
        new("/admin/deleted", "/admin/deleted"),
        new("/admin/analytics", "/admin/analytics"),
        new("/admin/mirror", "/admin/mirror"),
        new("/admin/docs", "/admin/docs"),
        new("/admin/jobs", "/admin/jobs"),
        new("/admin/webhooks", "/admin/webhooks"),
        new("/admin/backups", "/admin/backups"),
        new("/admin/branding", "/admin/branding"),
        new("/admin/config", "/admin/config"),
        new("/login", "/login"),
        new("/unsubscribe", "/unsubscribe?token=not-a-token", 400),
        new("/error/{code:int}", "/error/500", 500),
    ];

    /// <summary>Razor routes that answer no page of their own to a GET, with the reason they are not walked.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotPages = new Dictionary<string, string>
    {
        ["/crates/{name}/{version}/raw/{**path}"] = "a README image's bytes from the .crate, not a page",
        ["/crates/{name}/{version}/docs-rebuild"] = "the crate page's Rebuild docs form post; a GET redirects to the crate page",
        ["/me/following"] = "the Follow button's form post; a GET redirects to /me/notifications",
    };

    private readonly string _root = Directory.CreateTempSubdirectory("gc-browser-tour-").FullName;

    public SiteTour() => Directory.CreateDirectory(Path.Combine(_root, "mirror", "index"));

    /// <summary>
    /// The proxy (its crates.io upstream on a closed port: nothing may reach the internet), the offline mirror, a
    /// backup target, and an approval hold on build scripts, so the pages about them show their full content.
    /// </summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Proxy:Enabled"] = "true",
        ["Proxy:Upstreams:crates-io:IndexUrl"] = "http://127.0.0.1:9/index/",
        ["Proxy:AllowPublishWhenUpstreamUnreachable"] = "true",
        ["Mirror:Directory"] = Path.Combine(_root, "mirror"),
        ["Mirror:MountPath"] = "/offline/",
        ["Backup:Target"] = Path.Combine(_root, "backups"),
        ["Publishing:RequireApprovalFor"] = "build-script",
    };

    public static async Task SeedAsync(UiServer server)
    {
        var admin = server.Client(UiServer.AdminToken);
        await ExpectAsync(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/orgs", new { name = "tourists" }));
        await ExpectAsync(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/orgs/tourists/teams", new { name = "core" }));
        await ExpectAsync(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/admin/users", new { username = "visitor", password = VisitorPassword }));
        await ExpectAsync(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/orgs/tourists/invitations", new { user = "visitor", role = "member" }));
        // Webhooks on a closed loopback port for an event nothing here raises: listed, never delivered.
        var hook = new { url = "http://127.0.0.1:9/hook", events = new[] { "crate.unyanked" } };
        await ExpectAsync(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/admin/webhooks", hook));
        await ExpectAsync(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/orgs/tourists/webhooks", hook));

        await server.PublishAsync(new CrateBody("tour-base", "1.0.0") { Description = "The base of the tour", Keywords = ["test"], Categories = ["web-programming"] });
        foreach (var version in new[] { "1.0.0", "1.1.0", "1.2.0" })
        {
            await server.PublishAsync(new CrateBody("tour-widget", version)
            {
                Description = "A widget with a rather long description that has to wrap on a phone screen without scrolling sideways",
                Readme = $"# Tour widget {version}\n\n> [!NOTE]\n> Read this first.\n\n```rust\nfn main() {{ println!(\"{version}\"); }}\n```\n\n```toml\n[dependencies]\ntour-widget = \"{version}\"\n```\n\n| column one | column two | column three |\n|---|---|---|\n| 1 | 2 | 3 |\n",
                Repository = "https://github.com/tourists/tour-widget",
                Keywords = ["test", "widget"],
                Categories = ["web-programming"],
                Dependencies = [CrateBody.Dependency("tour-base", "^1")],
                Features = new Dictionary<string, string[]> { ["default"] = ["fancy"], ["fancy"] = [] },
            });
        }
        await server.YankAsync("tour-widget", "1.0.0");
        await ExpectAsync(HttpStatusCode.NoContent, admin.DeleteAsync("/api/v1/crates/tour-widget/1.2.0?message=published%20by%20mistake"));
        await ExpectAsync(HttpStatusCode.OK, admin.PutAsJsonAsync("/api/v1/crates/tour-widget/owners", new { users = new[] { "org:tourists" } }));
        await server.DownloadAsync("tour-widget", "1.1.0", times: 2);
        // Held for approval by Publishing:RequireApprovalFor=build-script: stored, answered 202 in Cargo's error envelope.
        await server.PublishAsync(new CrateBody("tour-held", "1.0.0") { Files = new Dictionary<string, string> { ["build.rs"] = "fn main() {}\n" } }, expected: HttpStatusCode.Accepted);

        // Owner invitations both ways: the administrator (who walks the tour) is invited to own the visitor's crate, so
        // /me and the header show one; the visitor is invited to own tour-widget, so its manage page lists "Invited".
        var users = server.Services.GetRequiredService<GhostCrate.Core.Identity.UserService>();
        var visitorToken = (await users.CreateTokenAsync("visitor", "tour", null, GhostCrate.Core.Identity.TokenScopes.Unrestricted, CancellationToken.None)).Value!.Secret;
        await server.PublishAsync(new CrateBody("tour-visitor", "1.0.0") { Description = "The visitor's own crate" }, visitorToken);
        await ExpectAsync(HttpStatusCode.OK, server.Client(visitorToken).PutAsJsonAsync("/api/v1/crates/tour-visitor/owners", new { users = new[] { "admin" } }));
        var widget = (await server.Services.GetRequiredService<GhostCrate.Core.Crates.ICrateRepository>().FindAsync("tour-widget", CancellationToken.None))!;
        var accounts = server.Services.GetRequiredService<GhostCrate.Core.Identity.IUserRepository>();
        var visitor = (await accounts.FindByNameAsync("visitor", CancellationToken.None))!;
        var adminUser = (await accounts.FindByNameAsync("admin", CancellationToken.None))!;
        // Through the store: an administrator's own `--add` makes an owner at once, with no invitation to show.
        await server.Services.GetRequiredService<GhostCrate.Core.Crates.IOwnerInvitationRepository>().InviteAsync(
            widget.Id, visitor.Id, adminUser.Id, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(30), CancellationToken.None);

        var upload = new ByteArrayContent(DocsArchiveBuilder.Rustdoc("tour-widget").Zip());
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        await ExpectAsync(HttpStatusCode.OK, admin.PutAsync("/api/v1/docs/tour-widget/1.1.0", upload));
    }

    private static async Task ExpectAsync(HttpStatusCode expected, Task<HttpResponseMessage> request)
    {
        var response = await request;
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
