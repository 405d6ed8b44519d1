using System.Text;
using GhostCrate.Core.Proxy;

namespace GhostCrate.Core.Tests.Proxy;

public class IndexLineVersionsTests
{
    private static string Line(string vers, bool yanked = false) =>
        $"{{\"name\":\"a\",\"vers\":\"{vers}\",\"deps\":[],\"cksum\":\"aa\",\"features\":{{}},\"yanked\":{(yanked ? "true" : "false")}}}\n";

    private static string? Newest(params string[] lines) => IndexLineVersions.NewestRelease(Encoding.UTF8.GetBytes(string.Concat(lines)))?.ToString();

    [Fact]
    public void The_newest_release_is_the_highest_version_whatever_the_order_of_the_lines() =>
        Assert.Equal("1.10.0", Newest(Line("1.2.0"), Line("1.10.0"), Line("1.9.3"), Line("0.9.0")));

    [Fact]
    public void Pre_releases_and_yanked_versions_are_never_the_newest_release() =>
        Assert.Equal("1.2.0", Newest(Line("1.2.0"), Line("2.0.0-rc.1"), Line("1.3.0", yanked: true)));

    [Fact]
    public void Build_metadata_is_kept_as_the_index_spells_it() =>
        Assert.Equal("1.0.0+vendored.2", Newest(Line("0.5.0"), Line("1.0.0+vendored.2")));

    [Fact]
    public void Lines_that_cannot_be_read_are_skipped_and_a_file_without_a_release_has_none()
    {
        Assert.Equal("0.1.0", Newest("not json\n", Line("0.1.0"), "{\"vers\":42}\n", Line("x.y.z")));
        Assert.Null(Newest(Line("1.0.0-alpha"), Line("0.3.0", yanked: true)));
        Assert.Null(Newest());
    }
}
