using GhostCrate.Core.Crates;
using GhostCrate.Core.Index;

namespace GhostCrate.Core.Tests;

public class IndexFileRendererTests
{
    private const string Line1 = """{"name":"Foo-Bar","vers":"1.0.0","deps":[],"cksum":"aa","features":{},"yanked":false,"links":null,"v":1,"rust_version":null}""";
    private const string Line2 = """{"name":"Foo-Bar","vers":"1.1.0","deps":[],"cksum":"bb","features":{},"yanked":false,"links":null,"v":1,"rust_version":null}""";

    [Fact]
    public void Renders_one_line_per_version_with_the_current_yanked_flag()
    {
        var lines = System.Text.Encoding.UTF8.GetString(IndexFileRenderer.Render([new IndexSourceLine(Line1, false), new IndexSourceLine(Line2, true)])).Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("", lines[2]);
        Assert.Equal(Line1, lines[0]);
        Assert.Contains("\"yanked\":true", lines[1]);
        Assert.Contains("\"vers\":\"1.1.0\"", lines[1]);
    }

    [Fact]
    public void Etag_is_strong_and_depends_only_on_the_bytes()
    {
        var a = IndexFileRenderer.ETagOf(IndexFileRenderer.Render([new IndexSourceLine(Line1, false)]));
        var b = IndexFileRenderer.ETagOf(IndexFileRenderer.Render([new IndexSourceLine(Line1, true)]));
        var c = IndexFileRenderer.ETagOf(IndexFileRenderer.Render([new IndexSourceLine(Line1, false)]));
        Assert.NotEqual(a, b);
        Assert.Equal(a, c);
        Assert.Matches("^\"[0-9a-f]{32}\"$", a);
    }
}
