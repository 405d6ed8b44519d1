using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>Issue 23, finding crates: search by words and filters, keyword and category pages, an organization's public page.</summary>
public sealed class FindingPageTests
{
    private static async Task<JsonElement> PublishAsync(TestApp app, string name, string description, string[]? keywords = null, string[]? categories = null, string? token = TestApp.AdminToken)
    {
        var files = new CrateFileBuilder(name, "1.0.0")
            .File($"{name}-1.0.0/Cargo.toml", $"[package]\nname = \"{name}\"\nversion = \"1.0.0\"\nedition = \"2021\"\n")
            .File($"{name}-1.0.0/src/lib.rs", "pub fn answer() -> u32 { 42 }\n");
        var metadata = new
        {
            name,
            vers = "1.0.0",
            deps = Array.Empty<object>(),
            features = new Dictionary<string, string[]>(),
            authors = Array.Empty<string>(),
            description,
            keywords = keywords ?? [],
            categories = categories ?? [],
            license = "MIT",
        };
        var response = await app.PublishAsync(CrateFileBuilder.PublishBody(metadata, files.BuildCrate()), token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string[] Names(AngleSharp.Html.Dom.IHtmlDocument page, string selector = ".crate-name") =>
        page.QuerySelectorAll(selector).Select(a => a.TextContent.Trim()).ToArray();

    [Fact]
    public async Task Two_words_find_a_crate_whose_description_has_both_and_filters_narrow_the_list()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "acme-client", "An HTTP client for the Acme API", keywords: ["http"], categories: ["web-programming::http-client"]);
        await PublishAsync(app, "acme-log", "Structured logging for Acme services", keywords: ["logging"]);
        await PublishAsync(app, "reqwire", "HTTP requests", keywords: ["http"], categories: ["web-programming"]);

        Assert.Equal(["acme-client"], Names(await UiCrates.GetOkPageAsync(app, "/search?q=acme+http"), "#results .crate-name"));
        Assert.Equal(["acme-log"], Names(await UiCrates.GetOkPageAsync(app, "/search?q=structured+logging"), "#results .crate-name"));
        Assert.Equal(["acme-client", "reqwire"], Names(await UiCrates.GetOkPageAsync(app, "/search?keyword=http&sort=name"), "#results .crate-name"));
        var category = await UiCrates.GetOkPageAsync(app, "/search?q=http&category=web-programming%3A%3Ahttp-client");
        Assert.Equal(["acme-client"], Names(category, "#results .crate-name"));
        // The chosen filters stay in the form (and in the paging links).
        Assert.NotNull(category.QuerySelector("details.search-filters[open]"));
        Assert.Equal("web-programming::http-client", category.QuerySelector("#category option[selected]")!.GetAttribute("value"));
        var none = await UiCrates.GetOkPageAsync(app, "/search?q=acme&advisories=true");
        Assert.Empty(Names(none, "#results .crate-name"));
        Assert.Contains("with these filters", none.GetElementById("results")!.TextContent, StringComparison.Ordinal);

        // The Cargo search API answers the same words the same way (`cargo search "acme http"` sends q=acme http).
        var api = await app.Client(TestApp.AdminToken).GetFromJsonAsync<JsonElement>("/api/v1/crates?q=acme%20http");
        Assert.Equal(["acme-client"], api.GetProperty("crates").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(1, api.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Unknown_categories_are_dropped_with_cargos_warning_and_category_pages_list_subcategories()
    {
        await using var app = await TestApp.StartAsync();
        var reply = await PublishAsync(app, "serve-it", "A server", categories: ["web-programming::http-server", "Not A Category"]);
        await PublishAsync(app, "web-kit", "Web things", categories: ["web-programming"]);

        Assert.Equal(["Not A Category"], reply.GetProperty("warnings").GetProperty("invalid_categories").EnumerateArray().Select(e => e.GetString()));
        var all = await UiCrates.GetOkPageAsync(app, "/categories");
        Assert.Contains(all.QuerySelectorAll("a[href='/categories/web-programming%3A%3Ahttp-server']"), a => a.TextContent == "HTTP server");
        var parent = await UiCrates.GetOkPageAsync(app, "/categories/web-programming");
        Assert.Equal("Web programming", parent.QuerySelector("h1")!.TextContent);
        Assert.Equal(["serve-it", "web-kit"], Names(parent).Order(StringComparer.Ordinal));
        var child = await UiCrates.GetOkPageAsync(app, "/categories/web-programming::http-server");
        Assert.Equal(["serve-it"], Names(child));
        Assert.Equal(HttpStatusCode.NotFound, (await UiCrates.GetPageAsync(app, "/categories/not-a-category")).Response.StatusCode);
        // The category is a searchable word too.
        Assert.Equal(["serve-it"], Names(await UiCrates.GetOkPageAsync(app, "/search?q=http+server"), "#results .crate-name"));
    }

    [Fact]
    public async Task Keyword_pages_list_the_crates_with_that_keyword()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "one", "first", keywords: ["parser", "toml"]);
        await PublishAsync(app, "two", "second", keywords: ["parser"]);

        var keywords = await UiCrates.GetOkPageAsync(app, "/keywords");
        Assert.Equal(["#parser 2", "#toml 1"], keywords.QuerySelectorAll(".keyword-cloud a").Select(a => string.Join(' ', a.TextContent.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
        Assert.Equal(["one"], Names(await UiCrates.GetOkPageAsync(app, "/keywords/toml")));
        Assert.Equal(["one", "two"], Names(await UiCrates.GetOkPageAsync(app, "/keywords/PARSER")).Order(StringComparer.Ordinal));
        Assert.Empty(Names(await UiCrates.GetOkPageAsync(app, "/keywords/nothing")));
    }

    [Fact]
    public async Task An_organizations_public_page_lists_its_crates_to_everyone_and_its_members_only_to_members()
    {
        await using var app = await TestApp.StartAsync();
        var olga = app.Client(await Users.CreateWithTokenAsync(app, "olga"));
        await Users.CreateWithTokenAsync(app, "ned");
        Assert.Equal(HttpStatusCode.Created, (await olga.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" })).StatusCode);
        await PublishAsync(app, "acme-http", "HTTP for Acme");
        await PublishAsync(app, "unrelated", "Not Acme's");
        var added = await app.Client(TestApp.AdminToken).SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/crates/acme-http/owners")
        {
            Content = JsonContent.Create(new { users = new[] { "org:acme" } }),
        });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);

        // Anonymous: /orgs/acme leads to the public page, which lists the crates and no members.
        using var anonymous = new WebSession(app);
        var first = await anonymous.Http.GetAsync("/orgs/acme");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/orgs/acme/crates", first.Headers.Location!.OriginalString);
        var page = new HtmlParser().ParseDocument(await anonymous.Http.GetStringAsync("/orgs/acme/crates"));
        Assert.Equal(["acme-http"], Names(page));
        Assert.DoesNotContain("olga", page.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.Http.GetAsync("/orgs/nope/crates")).StatusCode);

        // A signed-in non-member gets the same public page instead of a 404; a member gets the members' page.
        using var ned = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await ned.LoginAsync("ned", "a long enough password")).StatusCode);
        var nonMember = await ned.Http.GetAsync("/orgs/acme");
        Assert.Equal("/orgs/acme/crates", nonMember.Headers.Location!.OriginalString);
        using var member = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await member.LoginAsync("olga", "a long enough password")).StatusCode);
        var own = new HtmlParser().ParseDocument(await member.Http.GetStringAsync("/orgs/acme"));
        Assert.NotNull(own.QuerySelector("tr[data-member=olga]"));
        var publicForMember = new HtmlParser().ParseDocument(await member.Http.GetStringAsync("/orgs/acme/crates"));
        Assert.NotNull(publicForMember.QuerySelector("a[href='/orgs/acme']"));
    }

    [Fact]
    public async Task In_auth_required_mode_anonymous_visitors_of_the_new_pages_go_to_the_login_form()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        using var anonymous = new WebSession(app);
        foreach (var path in new[] { "/orgs/acme/crates", "/categories", "/categories/games", "/keywords", "/keywords/x" })
        {
            var response = await anonymous.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login?returnUrl=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
    }
}
