using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using GhostCrate.Core.Branding;
using GhostCrate.Web.Tests.Support;
using GhostCrate.Web.Ui;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>
/// Branding from the admin UI (issue 23 item 5, docs/ui.md#branding): GET/PUT/DELETE /api/v1/admin/branding and its
/// logo, and the /admin/branding page. Configuration is the default, an administrator's value overrides it and shows
/// on every page and in the cargo snippets, a reset returns to the configuration; bad values (contrast, registry name,
/// colour, sizes, logo types, SVG with script) are refused saying why and change nothing; every change is audited;
/// /admin/config says where each value comes from. Two nodes: EndToEnd TwoNodeBrandingTests; the browser:
/// Browser BrandingAdminBrowserTests.
/// </summary>
public sealed class BrandingAdminTests
{
    private const string AdminPassword = "correct horse battery";

    private static readonly Dictionary<string, string?> Configured = new()
    {
        ["Ui:DisplayName"] = "Configured Crates",
        ["Ui:RegistryName"] = "configured",
        ["Ui:FooterText"] = "Configured footer",
    };

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    [Fact]
    public async Task The_api_overrides_the_configuration_pages_and_snippets_follow_and_a_reset_returns_to_it()
    {
        await using var app = await TestApp.StartAsync(Configured);
        await UiCrates.PublishAsync(app, "acme-http", "1.0.0");
        var admin = app.Client(TestApp.AdminToken);

        var before = await GetBrandingAsync(admin);
        Assert.Equal(("Configured Crates", "configuration"), Value(before, "display_name"));
        Assert.Equal(("configured", "configuration"), Value(before, "registry_name"));
        Assert.Equal(0, before.GetProperty("revision").GetInt64());

        var put = await admin.PutAsJsonAsync("/api/v1/admin/branding", new
        {
            display_name = "Acme Crates",
            registry_name = "acme",
            accent_color = "#2F6FDF",
            footer_text = (string?)null,
            login_message = "Use your Acme single sign-on account",
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var set = JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("Acme Crates", "admin"), Value(set, "display_name"));
        Assert.Equal(("#2f6fdf", "admin"), Value(set, "accent_color"));
        Assert.Equal(("Configured footer", "configuration"), Value(set, "footer_text"));
        Assert.Equal(1, set.GetProperty("revision").GetInt64());
        Assert.Equal("admin", set.GetProperty("updated_by").GetString());

        foreach (var path in new[] { "/", "/crates/acme-http", "/login" })
        {
            var page = await UiCrates.GetOkPageAsync(app, path);
            Assert.EndsWith("Acme Crates", page.Title, StringComparison.Ordinal);
            Assert.Equal("Acme Crates", page.QuerySelector(".site-header .brand strong")!.TextContent);
            Assert.Equal("Configured footer", page.QuerySelector("[data-footer-text]")!.TextContent);
            Assert.Contains(page.QuerySelectorAll("link[rel=stylesheet]"), l => l.GetAttribute("href")!.StartsWith(Branding.StyleSheetPath + "?v=", StringComparison.Ordinal));
        }
        var crate = await UiCrates.GetOkPageAsync(app, "/crates/acme-http");
        Assert.Equal("cargo add acme-http --registry acme", crate.GetElementById("cargo-add")!.TextContent.Trim());
        Assert.Contains("registry = \"acme\"", crate.GetElementById("cargo-toml")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("[registries.acme]", (await UiCrates.GetOkPageAsync(app, "/")).Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Use your Acme single sign-on account", (await UiCrates.GetOkPageAsync(app, "/login")).QuerySelector("[data-login-message]")!.TextContent);
        var css = await StyleSheetAsync(app);
        Assert.Contains("--pico-primary-background: #2f6fdf;", css, StringComparison.Ordinal);
        Assert.Contains("--pico-primary-inverse: #ffffff;", css, StringComparison.Ordinal);

        // PUT replaces the whole set: what is left out goes back to the configuration.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/admin/branding", new { display_name = "Acme Registry" })).StatusCode);
        var partial = await GetBrandingAsync(admin);
        Assert.Equal(("Acme Registry", "admin"), Value(partial, "display_name"));
        Assert.Equal(("configured", "configuration"), Value(partial, "registry_name"));
        Assert.Equal<(string?, string?)>((null, "configuration"), Value(partial, "accent_color"));

        var reset = await admin.DeleteAsync("/api/v1/admin/branding");
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var after = await GetBrandingAsync(admin);
        Assert.Equal(("Configured Crates", "configuration"), Value(after, "display_name"));
        Assert.Equal(3, after.GetProperty("revision").GetInt64());
        var home = await UiCrates.GetOkPageAsync(app, "/");
        Assert.Equal("Configured Crates", home.QuerySelector(".site-header .brand strong")!.TextContent);
        Assert.Contains("[registries.configured]", home.Body!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(home.QuerySelectorAll("link[rel=stylesheet]"), l => l.GetAttribute("href")!.StartsWith(Branding.StyleSheetPath, StringComparison.Ordinal));

        var updated = await AuditAsync(admin, AuditActionsOf.Updated);
        Assert.Equal(2, updated.Count);
        Assert.Contains(updated, e => e.GetProperty("details").GetProperty("display_name").GetString() == "Acme Crates"
            && e.GetProperty("details").GetProperty("accent_color").GetString() == "#2f6fdf"
            && e.GetProperty("actor").GetString() == "admin" && e.GetProperty("target").GetString() == "branding");
        Assert.Single(await AuditAsync(admin, AuditActionsOf.Reset));
    }

    [Theory]
    [InlineData("""{"accent_color":"#ffd400"}""", "contrast of 1.43:1 against the light background #ffffff")]
    [InlineData("""{"accent_color":"#0b3d91"}""", "contrast of 1.78:1 against the dark background #13171f")]
    [InlineData("""{"accent_color":"red"}""", "accent_color must be a colour written #rrggbb")]
    [InlineData("""{"registry_name":"crates-io"}""", "registry_name must be a cargo registry name")]
    [InlineData("""{"registry_name":"acme@1.0.0"}""", "registry_name must be a cargo registry name")]
    [InlineData("""{"display_name":"0123456789012345678901234567890123456789012345678901234567890"}""", "display_name must be at most 60 characters")]
    [InlineData("""{"display_name":["not","text"]}""", "expected JSON")]
    [InlineData("""not json""", "expected JSON")]
    public async Task Bad_values_are_refused_with_problem_details_and_nothing_changes(string body, string expected)
    {
        await using var app = await TestApp.StartAsync(Configured);
        var admin = app.Client(TestApp.AdminToken);
        var response = await admin.PutAsync("/api/v1/admin/branding", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Contains(expected, detail, StringComparison.Ordinal);

        var after = await GetBrandingAsync(admin);
        Assert.Equal(0, after.GetProperty("revision").GetInt64());
        Assert.Equal("Configured Crates", (await UiCrates.GetOkPageAsync(app, "/")).QuerySelector(".site-header .brand strong")!.TextContent);
        Assert.Empty(await AuditAsync(admin, AuditActionsOf.Updated));
    }

    [Fact]
    public async Task Only_administrators_may_read_or_change_the_branding()
    {
        await using var app = await TestApp.StartAsync(Configured);
        var user = app.Client(await Users.CreateWithTokenAsync(app, "mallory"));
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/v1/admin/branding")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.PutAsJsonAsync("/api/v1/admin/branding", new { display_name = "Mallory's" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.PutAsync("/api/v1/admin/branding/logo", new ByteArrayContent(Png))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().DeleteAsync("/api/v1/admin/branding")).StatusCode);
        // Refused before the body is read: a logo over the limit is answered 403, not 413 (which would mean the server
        // had buffered the first 256 KiB of a non-administrator's body and drained the rest).
        var large = await user.PutAsync("/api/v1/admin/branding/logo", Image([.. Png, .. new byte[LogoCheck.MaxBytes]], "image/png"));
        Assert.Equal(HttpStatusCode.Forbidden, large.StatusCode);
        Assert.Equal("application/problem+json", large.Content.Headers.ContentType?.MediaType);
        Assert.Contains("only administrators may do this", await large.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The same for the JSON body: a non-administrator learns nothing from how their body is judged (not 400).
        var notJson = await user.PutAsync("/api/v1/admin/branding", new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, notJson.StatusCode);
        Assert.Contains("only administrators may do this", await notJson.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Configured Crates", (await UiCrates.GetOkPageAsync(app, "/")).QuerySelector(".site-header .brand strong")!.TextContent);

        using var session = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await session.LoginAsync("mallory", "a long enough password")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await session.Http.GetAsync("/admin/branding")).StatusCode);
    }

    [Fact]
    public async Task A_logo_is_checked_by_its_bytes_size_limited_and_served_in_a_sandbox()
    {
        await using var app = await TestApp.StartAsync(Configured);
        var admin = app.Client(TestApp.AdminToken);

        var uploaded = await admin.PutAsync("/api/v1/admin/branding/logo", Image(Png, "image/png"));
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var logo = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("logo");
        Assert.Equal(("admin", "image/png"), (logo.GetProperty("source").GetString(), logo.GetProperty("content_type").GetString()));
        var url = logo.GetProperty("url").GetString()!;
        Assert.StartsWith(Branding.LogoPath + "?v=", url, StringComparison.Ordinal);
        Assert.Equal(url, (await UiCrates.GetOkPageAsync(app, "/")).QuerySelector("[data-brand-logo]")!.GetAttribute("src"));

        var served = await app.Client().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(Png, await served.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", served.Headers.CacheControl?.ToString());
        Assert.Contains("sandbox", Header(served, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(served, "X-Content-Type-Options"));

        // Refused: script in an SVG, a type other than PNG/WebP/SVG (whatever the Content-Type says), a file past the limit.
        var refusals = new (HttpContent Body, HttpStatusCode Status, string Detail)[]
        {
            (Image("""<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>"""u8.ToArray(), "image/svg+xml"), HttpStatusCode.BadRequest, "contains a <script> element"),
            (Image("""<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"""u8.ToArray(), "image/svg+xml"), HttpStatusCode.BadRequest, "event handler attribute (onload)"),
            (Image("GIF89a...."u8.ToArray(), "image/png"), HttpStatusCode.BadRequest, "must be a PNG, WebP or SVG image"),
            (Image("<html><script>alert(1)</script></html>"u8.ToArray(), "image/svg+xml"), HttpStatusCode.BadRequest, "must be a PNG, WebP or SVG image"),
            (Image([.. Png, .. new byte[LogoCheck.MaxBytes]], "image/png"), HttpStatusCode.RequestEntityTooLarge, $"larger than {LogoCheck.MaxBytes} bytes"),
        };
        foreach (var (body, status, detail) in refusals)
        {
            var refused = await admin.PutAsync("/api/v1/admin/branding/logo", body);
            Assert.Equal(status, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains(detail, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(Png, await app.Client().GetByteArrayAsync(url));

        // A clean SVG is served as SVG, still under the sandbox policy.
        var svg = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><rect width="2" height="2" fill="#2f6fdf"/></svg>"""u8.ToArray();
        var svgUrl = JsonDocument.Parse(await (await admin.PutAsync("/api/v1/admin/branding/logo", Image(svg, "application/octet-stream"))).Content.ReadAsStringAsync())
            .RootElement.GetProperty("logo").GetProperty("url").GetString()!;
        Assert.NotEqual(url, svgUrl);
        var servedSvg = await app.Client().GetAsync(svgUrl);
        Assert.Equal("image/svg+xml", servedSvg.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("sandbox;", Header(servedSvg, "Content-Security-Policy"), StringComparison.Ordinal);
        // The old URL is no longer the logo's: it is answered with the current one, revalidated.
        Assert.Equal("no-cache", (await app.Client().GetAsync(url)).Headers.CacheControl?.ToString());

        var removed = await admin.DeleteAsync("/api/v1/admin/branding/logo");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(await removed.Content.ReadAsStringAsync()).RootElement.GetProperty("logo").GetProperty("url").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync(Branding.LogoPath)).StatusCode);
        Assert.Equal(2, (await AuditAsync(admin, AuditActionsOf.LogoSet)).Count);
        Assert.Single(await AuditAsync(admin, AuditActionsOf.LogoRemoved));
    }

    [Fact]
    public async Task The_admin_page_saves_with_a_redirect_refuses_bad_values_keeping_them_uploads_a_logo_and_resets()
    {
        await using var app = await TestApp.StartAsync(Configured);
        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", AdminPassword)).StatusCode);
        var page = await PageAsync(admin, "/admin/branding");
        Assert.NotNull(page.QuerySelector(".admin-nav a[href='/admin/branding'][aria-current='page']"));
        Assert.Equal("configuration", page.QuerySelector("tr[data-branding-field='display_name']")!.GetAttribute("data-source"));
        var form = page.QuerySelector("form[data-branding-form]")!;

        // Without the antiforgery field the post is refused and nothing changes.
        var forged = await admin.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent([new("Form.DisplayName", "Forged")]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var saved = await admin.PostFormAsync(form, [new("Form.DisplayName", "Acme Crates"), new("Form.RegistryName", "acme"), new("Form.AccentColor", "#2f6fdf"), new("Form.FooterText", ""), new("Form.LoginMessage", "")]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("/admin/branding?done=saved", saved.Headers.Location?.OriginalString);
        var after = await PageAsync(admin, "/admin/branding?done=saved");
        Assert.NotNull(after.QuerySelector("[data-status-message]"));
        Assert.Equal("admin", after.QuerySelector("tr[data-branding-field='display_name']")!.GetAttribute("data-source"));
        Assert.Equal("configuration", after.QuerySelector("tr[data-branding-field='footer_text']")!.GetAttribute("data-source"));
        Assert.Equal("Acme Crates", after.QuerySelector(".site-header .brand strong")!.TextContent);

        // A refused value: the page says why (with the ratio), keeps what was typed, and stores nothing.
        var refused = await admin.PostFormAsync(after.QuerySelector("form[data-branding-form]")!, [new("Form.DisplayName", "Yellow Crates"), new("Form.AccentColor", "#ffd400")]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var refusedPage = new HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync());
        Assert.Contains("1.43:1", refusedPage.QuerySelector("[data-error-message]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("#ffd400", refusedPage.QuerySelector("#branding-accent")!.GetAttribute("value"));
        Assert.Equal("Yellow Crates", refusedPage.QuerySelector("#branding-display-name")!.GetAttribute("value"));
        Assert.Equal("Acme Crates", (await UiCrates.GetOkPageAsync(app, "/")).QuerySelector(".site-header .brand strong")!.TextContent);

        // The logo form: multipart, with its antiforgery field.
        var logoForm = after.QuerySelector("form[data-branding-logo-form]")!;
        var logo = await PostFileAsync(admin, logoForm, Png, "logo.png");
        Assert.Equal(HttpStatusCode.Redirect, logo.StatusCode);
        var withLogo = await PageAsync(admin, "/admin/branding?done=logo");
        Assert.Equal("admin", withLogo.QuerySelector("tr[data-branding-field='logo']")!.GetAttribute("data-source"));
        Assert.StartsWith(Branding.LogoPath, withLogo.QuerySelector("[data-brand-logo]")!.GetAttribute("src"), StringComparison.Ordinal);
        var badLogo = await PostFileAsync(admin, logoForm, """<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"""u8.ToArray(), "logo.svg");
        Assert.Equal(HttpStatusCode.BadRequest, badLogo.StatusCode);
        Assert.Contains("<script> element", new HtmlParser().ParseDocument(await badLogo.Content.ReadAsStringAsync()).QuerySelector("[data-error-message]")!.TextContent, StringComparison.Ordinal);

        var reset = await admin.PostFormAsync(withLogo.QuerySelector("form[action*='handler=Reset']")!, []);
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        var configured = await PageAsync(admin, "/admin/branding?done=reset");
        Assert.All(configured.QuerySelectorAll("tr[data-branding-field]"), row => Assert.Equal("configuration", row.GetAttribute("data-source")));
        Assert.Equal("Configured Crates", configured.QuerySelector(".site-header .brand strong")!.TextContent);
    }

    [Fact]
    public async Task The_configuration_page_says_which_branding_values_come_from_the_admin_ui()
    {
        await using var app = await TestApp.StartAsync(Configured);
        var admin = app.Client(TestApp.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/admin/branding", new { display_name = "Acme Crates" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/v1/admin/branding/logo", Image(Png, "image/png"))).StatusCode);

        using var session = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await session.LoginAsync("admin", AdminPassword)).StatusCode);
        var config = await PageAsync(session, "/admin/config");
        var name = config.QuerySelector("tr[data-key='Ui:DisplayName']")!;
        Assert.Equal("admin", name.GetAttribute("data-source"));
        Assert.Contains("Acme Crates", name.TextContent, StringComparison.Ordinal);
        Assert.Contains("configuration: Configured Crates", name.TextContent, StringComparison.Ordinal);
        Assert.NotNull(name.QuerySelector("[data-branding-override] a[href='/admin/branding']"));
        Assert.Equal("admin", config.QuerySelector("tr[data-key='Ui:LogoUrl']")!.GetAttribute("data-source"));
        Assert.Equal("configuration", config.QuerySelector("tr[data-key='Ui:FooterText']")!.GetAttribute("data-source"));
        Assert.Equal("configured", config.QuerySelector("tr[data-key='Ui:RegistryName'] td:last-child")!.TextContent.Trim());
    }

    private static class AuditActionsOf
    {
        public const string Updated = Core.Audit.AuditActions.BrandingUpdated;
        public const string Reset = Core.Audit.AuditActions.BrandingReset;
        public const string LogoSet = Core.Audit.AuditActions.BrandingLogoSet;
        public const string LogoRemoved = Core.Audit.AuditActions.BrandingLogoRemoved;
    }

    private static (string? Value, string? Source) Value(JsonElement branding, string field) =>
        (branding.GetProperty(field).GetProperty("value").GetString(), branding.GetProperty(field).GetProperty("source").GetString());

    private static async Task<JsonElement> GetBrandingAsync(HttpClient admin)
    {
        var response = await admin.GetAsync("/api/v1/admin/branding");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static async Task<List<JsonElement>> AuditAsync(HttpClient admin, string action) =>
        [.. JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/admin/audit?action={action}")).RootElement.GetProperty("events").EnumerateArray()];

    private static async Task<string> StyleSheetAsync(TestApp app)
    {
        var href = (await UiCrates.GetOkPageAsync(app, "/")).QuerySelectorAll("link[rel=stylesheet]").Select(l => l.GetAttribute("href")!).Single(h => h.StartsWith(Branding.StyleSheetPath, StringComparison.Ordinal));
        return await app.Client().GetStringAsync(href);
    }

    private static ByteArrayContent Image(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content) : "";

    private static async Task<IHtmlDocument> PageAsync(WebSession session, string path)
    {
        var response = await session.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> PostFileAsync(WebSession session, IElement form, byte[] file, string fileName)
    {
        var content = new MultipartFormDataContent();
        foreach (var input in form.QuerySelectorAll("input[type='hidden']")) content.Add(new StringContent(input.GetAttribute("value") ?? ""), input.GetAttribute("name")!);
        content.Add(new ByteArrayContent(file), "logo", fileName);
        return session.Http.PostAsync(form.GetAttribute("action"), content);
    }
}
