using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using GhostCrate.Core.Options;
using GhostCrate.Web.Ui.Readme;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>What a README may and may not put on the crate page (the rendered HTML is parsed back with AngleSharp).</summary>
public sealed class ReadmeSanitizerTests
{
    private const string Repo = "https://github.com/acme/widgets";

    private static IElement Render(string markdown, string? repository = Repo, string? readmePath = "README.md")
    {
        var html = ReadmeRenderer.RenderUncached(markdown, repository, readmePath);
        var document = new HtmlParser().ParseDocument($"<!doctype html><html><body><div id=\"root\">{html}</div></body></html>");
        return document.GetElementById("root")!;
    }

    private static void AssertNothingExecutable(IElement root)
    {
        Assert.Empty(root.QuerySelectorAll("script, style, iframe, object, embed, form, base, meta, link, svg, math, template"));
        foreach (var element in root.QuerySelectorAll("*"))
        {
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"<{element.LocalName} {attribute.Name}> survived");
                Assert.NotEqual("style", attribute.Name);
                Assert.NotEqual("srcdoc", attribute.Name);
                Assert.NotEqual("formaction", attribute.Name);
                var value = new string(attribute.Value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());
                Assert.False(value.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase), $"{attribute.Name}={attribute.Value}");
                Assert.False(value.StartsWith("vbscript:", StringComparison.OrdinalIgnoreCase), $"{attribute.Name}={attribute.Value}");
                Assert.False(value.StartsWith("data:", StringComparison.OrdinalIgnoreCase), $"{attribute.Name}={attribute.Value}");
            }
        }
    }

    [Fact]
    public void Script_elements_are_removed_with_their_content()
    {
        var root = Render("# Title\n\n<script>alert('pwned')</script>\n\ntext <script src=\"https://evil.example/x.js\"></script> more\n");

        AssertNothingExecutable(root);
        Assert.DoesNotContain("pwned", root.InnerHtml, StringComparison.Ordinal);
        Assert.Equal("Title", root.QuerySelector("h1")!.TextContent);
    }

    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JavaScript:alert(1))")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<a href=\"jav&#x09;ascript:alert(1)\">x</a>")]
    [InlineData("<a href=\"&#106;avascript:alert(1)\">x</a>")]
    [InlineData("<a href=\" javascript:alert(1)\">x</a>")]
    [InlineData("<a href=\"vbscript:msgbox(1)\">x</a>")]
    [InlineData("<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>")]
    [InlineData("[x](data:text/html,<script>alert(1)</script>)")]
    [InlineData("<img src=\"javascript:alert(1)\" alt=\"x\">")]
    [InlineData("<img src=\"data:image/svg+xml,<svg onload=alert(1)>\" alt=\"x\">")]
    [InlineData("<a href=\"\\\\evil.example\">x</a>")]
    public void Dangerous_urls_are_dropped(string markdown)
    {
        var root = Render(markdown);

        AssertNothingExecutable(root);
        Assert.All(root.QuerySelectorAll("a[href]"), a => Assert.StartsWith("https://", a.GetAttribute("href")!, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<img src=\"https://img.example/a.png\" onerror=\"alert(1)\" alt=\"a\">")]
    [InlineData("<p onclick=\"alert(1)\" onmouseover=\"alert(2)\">hi</p>")]
    [InlineData("<div style=\"background:url(javascript:alert(1))\" onfocus=\"x\" tabindex=\"1\" autofocus>hi</div>")]
    [InlineData("<details open ontoggle=\"alert(1)\"><summary>s</summary>d</details>")]
    [InlineData("<a href=\"https://ok.example\" onclick=\"steal()\" target=\"_blank\">x</a>")]
    [InlineData("<svg><script>alert(1)</script></svg>")]
    [InlineData("<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>")]
    [InlineData("<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>")]
    [InlineData("<form action=\"https://evil.example\"><input name=\"password\"><button formaction=\"javascript:alert(1)\">go</button></form>")]
    [InlineData("<object data=\"x.swf\"></object><embed src=\"x.swf\">")]
    [InlineData("<style>body{display:none}</style><link rel=\"stylesheet\" href=\"https://evil.example/x.css\">")]
    [InlineData("<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">")]
    [InlineData("<!-- <script>alert(1)</script> --><noscript><img src=x onerror=alert(1)></noscript>")]
    [InlineData("<scr<script>ipt>alert(1)</script>")]
    [InlineData("<table><tr><td background=\"javascript:alert(1)\" onclick=\"x\">c</td></tr></table>")]
    public void Event_handlers_and_active_elements_never_survive(string html)
    {
        var root = Render("Intro\n\n" + html + "\n");

        AssertNothingExecutable(root);
        Assert.Empty(root.QuerySelectorAll("[target]"));
    }

    [Fact]
    public void Safe_markup_is_kept()
    {
        var root = Render("""
            <p align="center"><img src="https://img.example/logo.png" alt="Logo" width="120"></p>

            | a | b |
            |---|---|
            | 1 | 2 |

            - [x] done
            - [ ] todo

            ```rust
            fn main() {}
            ```

            <details><summary>More</summary>hidden <kbd>Ctrl</kbd></details>
            """);

        var paragraph = root.QuerySelector("p[align=center]");
        Assert.NotNull(paragraph);
        var image = paragraph.QuerySelector("img")!;
        Assert.Equal("https://img.example/logo.png", image.GetAttribute("src"));
        Assert.Equal("120", image.GetAttribute("width"));
        Assert.Equal("no-referrer", image.GetAttribute("referrerpolicy"));
        Assert.NotNull(root.QuerySelector("table td"));
        var boxes = root.QuerySelectorAll("input[type=checkbox]");
        Assert.Equal(2, boxes.Length);
        Assert.All(boxes, box => Assert.True(box.HasAttribute("disabled")));
        Assert.Equal("language-rust", root.QuerySelector("pre code")!.GetAttribute("class"));
        Assert.NotNull(root.QuerySelector("details summary"));
        Assert.NotNull(root.QuerySelector("kbd"));
    }

    [Fact]
    public void External_links_get_safe_rel()
    {
        var link = Render("[site](https://example.com/page)").QuerySelector("a")!;

        Assert.Equal("https://example.com/page", link.GetAttribute("href"));
        Assert.Equal("nofollow noopener noreferrer", link.GetAttribute("rel"));
    }

    [Fact]
    public void Relative_links_and_images_point_into_the_repository()
    {
        var root = Render("[guide](docs/guide.md) [up](../x.md) ![shot](img/shot.png) [abs](/LICENSE)", readmePath: "crates/core/README.md");

        var links = root.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal("https://github.com/acme/widgets/blob/HEAD/crates/core/docs/guide.md", links[0]);
        Assert.Equal("https://github.com/acme/widgets/blob/HEAD/crates/x.md", links[1]);
        Assert.Equal("https://github.com/acme/widgets/blob/HEAD/LICENSE", links[2]);
        Assert.Equal("https://raw.githubusercontent.com/acme/widgets/HEAD/crates/core/img/shot.png", root.QuerySelector("img")!.GetAttribute("src"));
    }

    [Fact]
    public void Relative_links_without_a_known_repository_keep_only_their_text()
    {
        var root = Render("[guide](docs/guide.md) ![shot](img/shot.png) ![](img/none.png)", repository: "https://git.internal.example/acme/widgets");

        // Plain text, not links that lead nowhere.
        Assert.Empty(root.QuerySelectorAll("a"));
        Assert.Empty(root.QuerySelectorAll("img"));
        Assert.Contains("guide", root.TextContent, StringComparison.Ordinal);
        Assert.Contains("shot", root.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Heading_ids_are_prefixed_and_fragment_links_follow()
    {
        var root = Render("See [usage](#usage).\n\n## Usage\n\n<a name=\"top\"></a><div id=\"main\">x</div>");

        Assert.Equal("user-content-usage", root.QuerySelector("h2")!.Id);
        Assert.Equal("#user-content-usage", root.QuerySelector("a[href]")!.GetAttribute("href"));
        Assert.Null(root.QuerySelector("a[href]")!.GetAttribute("rel"));
        Assert.NotNull(root.QuerySelector("#user-content-main"));
        Assert.Null(root.QuerySelector("#main"));
        Assert.NotNull(root.QuerySelector("a[name=user-content-top]"));
    }

    [Theory]
    [InlineData("https://github.com/acme/widgets.git", "https://github.com/acme/widgets/blob/HEAD/{path}", "https://raw.githubusercontent.com/acme/widgets/HEAD/{path}")]
    [InlineData("https://github.com/acme/widgets/tree/main/crates/x", "https://github.com/acme/widgets/blob/HEAD/{path}", "https://raw.githubusercontent.com/acme/widgets/HEAD/{path}")]
    [InlineData("https://www.github.com/acme/widgets", "https://github.com/acme/widgets/blob/HEAD/{path}", "https://raw.githubusercontent.com/acme/widgets/HEAD/{path}")]
    [InlineData("https://gitlab.com/group/sub/project", "https://gitlab.com/group/sub/project/-/blob/HEAD/{path}", "https://gitlab.com/group/sub/project/-/raw/HEAD/{path}")]
    [InlineData("https://bitbucket.org/acme/widgets", "https://bitbucket.org/acme/widgets/src/HEAD/{path}", "https://bitbucket.org/acme/widgets/raw/HEAD/{path}")]
    [InlineData("https://codeberg.org/acme/widgets.git", "https://codeberg.org/acme/widgets/src/branch/main/{path}", "https://codeberg.org/acme/widgets/raw/branch/main/{path}")]
    public void Repository_links_for_built_in_hosts(string repository, string blob, string raw)
    {
        Assert.Equal(new RepositoryLinks(blob, raw), RepositoryLinks.From(repository));
    }

    private static readonly RepositoryHostOptions[] SelfHosted =
    [
        new() { Host = "git.acme.internal:3000", Kind = RepositoryHostKind.Gitea, Branch = "trunk" },
        new() { Host = "gitlab.acme.internal", Kind = RepositoryHostKind.GitLab },
        new() { Host = "ghe.acme.internal", Kind = RepositoryHostKind.GitHub },
        new() { Host = "stash.acme.internal", Kind = RepositoryHostKind.Custom, BlobPattern = "{repository}/browse/{path}?at=refs/heads/{branch}", RawPattern = "{repository}/raw/{path}?at=refs/heads/{branch}", Branch = "main" },
        new() { Host = "github.com", Kind = RepositoryHostKind.GitHub, Branch = "release" },
    ];

    [Theory]
    [InlineData("https://git.acme.internal:3000/acme/widgets.git", "https://git.acme.internal:3000/acme/widgets/src/branch/trunk/{path}", "https://git.acme.internal:3000/acme/widgets/raw/branch/trunk/{path}")]
    [InlineData("https://gitlab.acme.internal/platform/rust/widgets", "https://gitlab.acme.internal/platform/rust/widgets/-/blob/HEAD/{path}", "https://gitlab.acme.internal/platform/rust/widgets/-/raw/HEAD/{path}")]
    [InlineData("https://ghe.acme.internal/acme/widgets", "https://ghe.acme.internal/acme/widgets/blob/HEAD/{path}", "https://ghe.acme.internal/acme/widgets/raw/HEAD/{path}")]
    [InlineData("https://stash.acme.internal/projects/ACME/repos/widgets", "https://stash.acme.internal/projects/ACME/repos/widgets/browse/{path}?at=refs/heads/main", "https://stash.acme.internal/projects/ACME/repos/widgets/raw/{path}?at=refs/heads/main")]
    [InlineData("https://github.com/acme/widgets", "https://github.com/acme/widgets/blob/release/{path}", "https://raw.githubusercontent.com/acme/widgets/release/{path}")]
    public void Configured_hosts_resolve_and_override_built_in_ones(string repository, string blob, string raw)
    {
        Assert.Equal(new RepositoryLinks(blob, raw), RepositoryLinks.From(repository, SelfHosted));
    }

    [Fact]
    public void A_self_hosted_readme_gets_its_relative_image_and_link_through_the_configured_pattern()
    {
        var html = ReadmeRenderer.RenderUncached("[guide](docs/guide.md#setup) ![logo](../assets/logo.png)", "https://git.acme.internal:3000/acme/widgets", "crates/core/README.md", SelfHosted);
        var root = new HtmlParser().ParseDocument($"<!doctype html><html><body>{html}</body></html>").Body!;

        Assert.Equal("https://git.acme.internal:3000/acme/widgets/src/branch/trunk/crates/core/docs/guide.md#setup", root.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("https://git.acme.internal:3000/acme/widgets/raw/branch/trunk/crates/assets/logo.png", root.QuerySelector("img")!.GetAttribute("src"));

        var custom = new HtmlParser().ParseDocument(ReadmeRenderer.RenderUncached("[guide](docs/guide.md?plain=1#setup)", "https://stash.acme.internal/projects/ACME/repos/widgets", "README.md", SelfHosted)).Body!;
        Assert.Equal("https://stash.acme.internal/projects/ACME/repos/widgets/browse/docs/guide.md?at=refs/heads/main#setup", custom.QuerySelector("a")!.GetAttribute("href"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not a url")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://github.com/acme")]
    [InlineData("https://git.internal.example/acme/widgets")]
    [InlineData("https://user:secret@github.com/acme/widgets")]
    [InlineData("ftp://github.com/acme/widgets")]
    public void Unknown_repositories_give_no_links(string? repository)
    {
        Assert.Null(RepositoryLinks.From(repository, SelfHosted));
    }

    [Fact]
    public void Repository_host_settings_are_checked_at_start_up()
    {
        var errors = UiOptions.Validate(new UiOptions
        {
            RepositoryHosts =
            [
                new() { Host = "https://git.acme.internal", Kind = RepositoryHostKind.Gitea },
                new() { Host = "stash.acme.internal", Kind = RepositoryHostKind.Custom, BlobPattern = "{repository}/browse", RawPattern = "javascript:{path}" },
                new() { Host = "git.acme.internal", Kind = RepositoryHostKind.GitLab, BlobPattern = "{repository}/{path}" },
                new() { Host = "git2.acme.internal", Kind = RepositoryHostKind.Gitea, Branch = "main branch" },
            ],
        }).ToList();

        Assert.Contains(errors, e => e.StartsWith("Ui:RepositoryHosts:0:Host", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Ui:RepositoryHosts:1:BlobPattern", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Ui:RepositoryHosts:1:RawPattern", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Ui:RepositoryHosts:2:", StringComparison.Ordinal) && e.Contains("Custom only", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Ui:RepositoryHosts:3:Branch", StringComparison.Ordinal));
        Assert.Empty(UiOptions.Validate(new UiOptions { RepositoryHosts = [.. SelfHosted] }));
    }
}
