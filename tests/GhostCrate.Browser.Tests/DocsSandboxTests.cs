using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>
/// Real rustdoc output (the installed cargo and rustc) served by GhostCrate: a crate's own script cannot reach the
/// signed-in user's cookies or API, while rustdoc's search still works (docs/rustdoc.md, issue 22).
/// </summary>
public sealed class DocsSandboxTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    // rustdoc passes raw HTML in doc comments through: this is what a hostile crate author would write.
    private const string LibRs = """
        //! Docs that try to steal the reader's session.
        //!
        //! <script>
        //! window.addEventListener("load", async () => {
        //!   const loot = { cookie: null, me: null };
        //!   try { loot.cookie = "read:" + document.cookie; } catch (e) { loot.cookie = "threw:" + e.name; }
        //!   try {
        //!     const r = await fetch("/api/v1/me", { credentials: "include" });
        //!     loot.me = "status:" + r.status + ":" + (await r.text());
        //!   } catch (e) { loot.me = "threw:" + e.name; }
        //!   document.body.setAttribute("data-loot", JSON.stringify(loot));
        //! });
        //! </script>

        /// Keeps secrets; rustdoc's search must find it.
        pub struct SecretKeeper;

        /// Says hello.
        pub fn greet() -> &'static str { "hi" }
        """;

    [Fact]
    public async Task A_crates_script_gets_neither_the_session_nor_the_api_while_rustdoc_search_works()
    {
        using var cargo = new Cargo(Server);
        var project = cargo.NewCrate("sneaky-docs", "0.1.0");
        await File.WriteAllTextAsync(Path.Combine(project, "src", "lib.rs"), LibRs);
        var published = await cargo.RunAsync(project, ["publish", "--registry", "ghostcrate", "--allow-dirty", "--no-verify"], UiServer.AdminToken);
        Assert.True(published.ExitCode == 0, published.Output);
        var doc = await cargo.RunAsync(project, ["doc", "--no-deps", "--offline"], null);
        Assert.True(doc.ExitCode == 0, doc.Output);
        var docFolder = Path.Combine(cargo.TargetDirectory, "doc");
        Assert.Contains("SecretKeeper", await File.ReadAllTextAsync(Path.Combine(docFolder, "sneaky_docs", "index.html")));

        var archive = Path.Combine(cargo.TargetDirectory, "docs.zip");
        ZipFile.CreateFromDirectory(docFolder, archive);
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(archive));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var upload = await Server.Client(UiServer.AdminToken).PutAsync("/api/v1/docs/sneaky-docs/0.1.0", content);
        Assert.True(upload.StatusCode == HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());

        await LogInAsync(Page, "/crates/sneaky-docs");
        var cookies = await Context.CookiesAsync();
        Assert.NotEmpty(cookies);
        // Control: on the registry's own origin the same request reads the signed-in user.
        var sameOrigin = await Page.EvaluateAsync<string>("async () => { const r = await fetch('/api/v1/me', { credentials: 'include' }); return r.status + ':' + await r.text(); }");
        Assert.StartsWith("200:", sameOrigin);
        Assert.Contains("admin", sameOrigin);

        await Page.GotoAsync("/docs/sneaky-docs/0.1.0/sneaky_docs/index.html");
        await Expect(Page.Locator("body[data-loot]")).ToHaveCountAsync(1);
        var loot = JsonDocument.Parse((await Page.Locator("body").GetAttributeAsync("data-loot"))!).RootElement;
        var stolenCookie = loot.GetProperty("cookie").GetString()!;
        var stolenMe = loot.GetProperty("me").GetString()!;
        // An opaque origin has no cookies to read (Chromium throws SecurityError), and its fetch is cross-origin:
        // no SameSite=Lax cookie goes along and no CORS grant lets it read the answer.
        Assert.DoesNotContain(cookies, c => stolenCookie.Contains(c.Value, StringComparison.Ordinal) && c.Value.Length > 0);
        Assert.StartsWith("threw:", stolenCookie);
        Assert.DoesNotContain("admin", stolenMe);
        Assert.False(stolenMe.StartsWith("status:200", StringComparison.Ordinal), stolenMe);
        Assert.Equal("null", await Page.EvaluateAsync<string>("() => window.origin"));

        // rustdoc's own search runs in the sandbox and finds the item.
        await Page.GotoAsync("/docs/sneaky-docs/0.1.0/sneaky_docs/index.html?search=SecretKeeper");
        var hit = Page.Locator("#search a").Filter(new() { HasText = "SecretKeeper" });
        await Expect(hit.First).ToBeVisibleAsync();
        await ScreenshotAsync();
    }
}
