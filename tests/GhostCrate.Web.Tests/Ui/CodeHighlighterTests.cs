using AngleSharp.Html.Parser;
using GhostCrate.Web.Ui.Readme;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>README code blocks are coloured on the server, and the colouring never changes or injects text.</summary>
public sealed class CodeHighlighterTests
{
    private static List<(string Text, string? Class)> Tokens(string code, string language) =>
        CodeHighlighter.Tokenize(code, language)!.Select(t => (t.Text, t.Class)).ToList();

    [Fact]
    public void Rust_tokens_get_their_classes()
    {
        var tokens = Tokens("#[derive(Debug)]\npub fn parse<'a>(s: &'a str) -> Result<u32, Error> {\n    // note\n    let c = 'x';\n    println!(\"{s} r#\\\"\");\n    0x1F_u32\n}", "rust");

        Assert.Contains(("#[derive(Debug)]", "hl-attribute"), tokens);
        Assert.Contains(("pub", "hl-keyword"), tokens);
        Assert.Contains(("fn", "hl-keyword"), tokens);
        Assert.Contains(("'a", "hl-lifetime"), tokens);
        Assert.Contains(("str", "hl-type"), tokens);
        Assert.Contains(("Result", "hl-type"), tokens);
        Assert.Contains(("// note", "hl-comment"), tokens);
        Assert.Contains(("'x'", "hl-string"), tokens);
        Assert.Contains(("println!", "hl-macro"), tokens);
        Assert.Contains(("\"{s} r#\\\"\"", "hl-string"), tokens);
        Assert.Contains(("0x1F_u32", "hl-number"), tokens);
        Assert.DoesNotContain(tokens, t => t.Text.Contains("parse", StringComparison.Ordinal) && t.Class is not null);
    }

    [Fact]
    public void Toml_shell_and_json_tokens_get_their_classes()
    {
        var toml = Tokens("[dependencies]\nserde = { version = \"1.0\", features = ['derive'] } # why\nfast = true", "toml");
        Assert.Contains(("[dependencies]", "hl-section"), toml);
        Assert.Contains(("serde", "hl-key"), toml);
        Assert.Contains(("\"1.0\"", "hl-string"), toml);
        Assert.Contains(("'derive'", "hl-string"), toml);
        Assert.Contains(("# why", "hl-comment"), toml);
        Assert.Contains(("true", "hl-keyword"), toml);

        var shell = Tokens("$ cargo add acme-http --registry \"$REGISTRY\" # once\necho done | tee log", "sh");
        Assert.Contains(("$ ", "hl-prompt"), shell);
        Assert.Contains(("cargo", "hl-keyword"), shell);
        Assert.Contains(("--registry", "hl-attribute"), shell);
        Assert.Contains(("\"$REGISTRY\"", "hl-string"), shell);
        Assert.Contains(("# once", "hl-comment"), shell);
        Assert.Contains(("tee", "hl-keyword"), shell);

        var json = Tokens("{\"name\": \"acme\", \"n\": -1.5e3, \"ok\": null}", "json");
        Assert.Contains(("\"name\"", "hl-key"), json);
        Assert.Contains(("\"acme\"", "hl-string"), json);
        Assert.Contains(("-1.5e3", "hl-number"), json);
        Assert.Contains(("null", "hl-keyword"), json);
    }

    [Theory]
    [InlineData("rust", "fn main() { let s = \"unterminated; /* open comment")]
    [InlineData("rust", "r##\"raw \"# still\"## 'a' '\\u{1F600}' b'\\x7f' 1e-3f64")]
    [InlineData("toml", "key = \"\"\"multi\nline\"\"\"\n[[bin]]\nname='x")]
    [InlineData("sh", "FOO=${BAR:-x} cmd 'it''s' \"a\\\"b\" && $(( 1 + 2 ))")]
    [InlineData("json", "{\"a\": [1, \"b\\\"c\", true], \"d\": \"unterminated")]
    public void Tokens_put_back_together_are_exactly_the_code(string language, string code)
    {
        Assert.Equal(code, string.Concat(CodeHighlighter.Tokenize(code, language)!.Select(t => t.Text)));
    }

    [Fact]
    public void Unknown_languages_and_huge_blocks_stay_plain()
    {
        Assert.Null(CodeHighlighter.Tokenize("x = 1", "python"));
        Assert.Null(CodeHighlighter.Tokenize(new string('a', CodeHighlighter.MaxChars + 1), "rust"));
    }

    [Fact]
    public void A_rendered_readme_has_coloured_spans_holding_only_text()
    {
        var html = ReadmeRenderer.RenderUncached("```rust\nfn main() { println!(\"<script>alert(1)</script>\"); }\n```\n\n```\nplain\n```", null, "README.md");
        var root = new HtmlParser().ParseDocument($"<!doctype html><html><body>{html}</body></html>").Body!;

        var code = root.QuerySelector("pre > code.language-rust")!;
        Assert.Equal("fn", code.QuerySelector("span.hl-keyword")!.TextContent);
        Assert.Equal("println!", code.QuerySelector("span.hl-macro")!.TextContent);
        Assert.Equal("\"<script>alert(1)</script>\"", code.QuerySelector("span.hl-string")!.TextContent);
        Assert.Empty(root.QuerySelectorAll("script"));
        Assert.Equal("fn main() { println!(\"<script>alert(1)</script>\"); }\n", code.TextContent);
        Assert.Empty(root.QuerySelectorAll("pre > code:not([class]) span"));
    }
}
