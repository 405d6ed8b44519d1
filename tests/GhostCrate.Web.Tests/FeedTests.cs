using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests;

/// <summary>The Atom feeds on a real server, read back with a real feed parser (Debian's python3-feedparser).</summary>
public sealed class FeedTests
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    private static async Task PublishAsync(TestApp app, string name, string version, string? token = TestApp.AdminToken)
    {
        var response = await app.PublishAsync(CrateFileBuilder.Valid(name, version).PublishBody(), token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<XDocument> AtomAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static List<string> Titles(XDocument feed) => [.. feed.Root!.Elements(Atom + "entry").Select(e => e.Element(Atom + "title")!.Value)];

    [Fact]
    public async Task Updates_new_crates_and_one_crates_feed_list_the_newest_first()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "alpha", "1.0.0");
        await PublishAsync(app, "alpha", "1.1.0");
        await PublishAsync(app, "beta", "0.1.0");
        var client = app.Client(token: null);

        Assert.Equal(["beta 0.1.0", "alpha 1.1.0", "alpha 1.0.0"], Titles(await AtomAsync(client, "/feeds/updates.atom")));
        Assert.Equal(["New crate: beta 0.1.0", "New crate: alpha 1.0.0"], Titles(await AtomAsync(client, "/feeds/crates.atom")));
        var alpha = await AtomAsync(client, "/feeds/crates/alpha.atom");
        Assert.Equal(["alpha 1.1.0", "alpha 1.0.0"], Titles(alpha));
        var link = alpha.Root!.Elements(Atom + "entry").First().Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "alternate");
        Assert.EndsWith("/crates/alpha/1.1.0", (string)link.Attribute("href")!);

        using var missing = await client.GetAsync("/feeds/crates/nope.atom");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_real_feed_parser_reads_every_feed_without_complaint()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "alpha", "1.0.0");
        await PublishAsync(app, "alpha", "1.1.0");
        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/alpha/1.0.0/yank")).StatusCode);

        foreach (var path in new[] { "/feeds/updates.atom", "/feeds/crates.atom", "/feeds/crates/alpha.atom" })
        {
            var parsed = await FeedParser.ParseAsync(new Uri(app.BaseAddress, path));
            Assert.False(parsed.GetProperty("bozo").GetBoolean(), $"{path}: {parsed.GetProperty("bozo_exception")}");
            Assert.Equal("atom10", parsed.GetProperty("version").GetString());
            var entries = parsed.GetProperty("entries").EnumerateArray().ToList();
            Assert.NotEmpty(entries);
            Assert.All(entries, e => Assert.StartsWith(app.BaseAddress.ToString().TrimEnd('/') + "/crates/alpha/", e.GetProperty("link").GetString()));
        }
        var titles = (await FeedParser.ParseAsync(new Uri(app.BaseAddress, "/feeds/crates/alpha.atom"))).GetProperty("entries").EnumerateArray()
            .Select(e => e.GetProperty("title").GetString()).ToList();
        Assert.Equal(["alpha 1.1.0", "alpha 1.0.0 (yanked)"], titles);
    }

    [Fact]
    public async Task A_private_registry_needs_a_feed_token_which_hides_restricted_crates_and_retires_with_the_password()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        await PublishAsync(app, "open-lib", "1.0.0");
        await PublishAsync(app, "secret-lib", "1.0.0");
        var restrict = await app.Client(TestApp.AdminToken).PutAsJsonAsync("/api/v1/crates/secret-lib/access", new { restricted = true });
        Assert.Equal(HttpStatusCode.OK, restrict.StatusCode);

        using var anonymous = await app.Client(token: null).GetAsync("/feeds/updates.atom");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var readerToken = await Users.CreateWithTokenAsync(app, "reader");
        var urls = JsonDocument.Parse(await app.Client(readerToken).GetStringAsync("/api/v1/me/feeds")).RootElement;
        var updates = new Uri(urls.GetProperty("updates").GetString()!);
        Assert.Contains("token=", updates.Query);

        // The feed URL alone (no header, as a feed reader sends it) works, and shows only what the reader may see.
        var feed = await AtomAsync(app.Client(token: null), updates.PathAndQuery);
        Assert.Equal(["open-lib 1.0.0"], Titles(feed));
        var adminUrls = JsonDocument.Parse(await app.Client(TestApp.AdminToken).GetStringAsync("/api/v1/me/feeds")).RootElement;
        Assert.Equal(["secret-lib 1.0.0", "open-lib 1.0.0"], Titles(await AtomAsync(app.Client(token: null), new Uri(adminUrls.GetProperty("updates").GetString()!).PathAndQuery)));
        var secretFeed = urls.GetProperty("crate_template").GetString()!.Replace("{name}", "secret-lib");
        using (var hidden = await app.Client(token: null).GetAsync(new Uri(secretFeed).PathAndQuery))
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);

        // A forged token is refused; a password change retires the real one.
        using (var forged = await app.Client(token: null).GetAsync("/feeds/updates.atom?token=CfDJ8forged"))
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        var users = app.Services.GetRequiredService<IUserRepository>();
        var reader = (await users.FindByNameAsync("reader", CancellationToken.None))!;
        var changed = await app.Services.GetRequiredService<AccountService>()
            .ChangePasswordAsync(Principal.ForSession(reader), "a long enough password", "another long enough password", CancellationToken.None);
        Assert.True(changed.IsSuccess, changed.Error?.Detail);
        using var retired = await app.Client(token: null).GetAsync(updates.PathAndQuery);
        Assert.Equal(HttpStatusCode.Unauthorized, retired.StatusCode);
    }

    [Fact]
    public async Task Pages_announce_the_feeds_and_the_announced_links_answer()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "alpha", "1.0.0");
        var client = app.Client(token: null);

        var home = await client.GetStringAsync("/");
        Assert.Contains("""<link rel="alternate" type="application/atom+xml" title="Recent releases" href="/feeds/updates.atom">""", home);
        var page = await client.GetStringAsync("/crates/alpha");
        var announced = System.Text.RegularExpressions.Regex.Matches(page, """<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)">""")
            .Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["/feeds/updates.atom", "/feeds/crates/alpha.atom"], announced);
        foreach (var href in announced) Assert.NotEmpty(Titles(await AtomAsync(client, href)));
    }

    [Fact]
    public async Task Control_characters_in_a_description_do_not_break_the_document()
    {
        var feed = new Core.Feeds.Feed(Core.Feeds.FeedKind.Updates, null,
            [new Core.Feeds.FeedEntry("evil", "1.0.0", "bell\u0007 <b>&amp; \U0001F980 crab", DateTimeOffset.UnixEpoch, false)]);
        var xml = Encoding.UTF8.GetString(Core.Feeds.AtomFeedWriter.Write(feed, "https://r.example", "https://r.example/feeds/updates.atom", "R"));
        var summary = XDocument.Parse(xml).Root!.Element(Atom + "entry")!.Element(Atom + "summary")!.Value;
        Assert.Equal("bell <b>&amp; \U0001F980 crab", summary);
    }

    /// <summary>Debian's python3-feedparser (scripts/test.sh installs it), run on a URL; its result as JSON.</summary>
    private static class FeedParser
    {
        private const string Script = """
            import feedparser, json, sys
            d = feedparser.parse(sys.argv[1])
            print(json.dumps({"bozo": bool(d.bozo), "bozo_exception": str(d.get("bozo_exception", "")), "version": d.version,
                              "entries": [{"title": e.get("title"), "link": e.get("link")} for e in d.entries]}))
            """;

        public static async Task<JsonElement> ParseAsync(Uri url)
        {
            if (!File.Exists("/usr/bin/python3")) Assert.Fail("/usr/bin/python3 is missing: run the tests through scripts/test.sh, which installs python3-feedparser");
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-c", Script, url.ToString() }) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"feedparser failed: {await error}");
            return JsonDocument.Parse(await output).RootElement.Clone();
        }
    }
}
