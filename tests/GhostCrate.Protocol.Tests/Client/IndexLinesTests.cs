using System.Text;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Protocol.Tests.Client;

public class IndexLinesTests
{
    [Fact]
    public void Parses_every_good_line_and_skips_bad_ones()
    {
        var file = Encoding.UTF8.GetBytes(
            "{\"name\":\"a\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"aa\",\"features\":{},\"yanked\":false}\r\n" +
            "not json\n\n" +
            "{\"name\":\"a\",\"vers\":\"1.1.0\",\"deps\":[],\"cksum\":\"bb\",\"features\":{},\"yanked\":true}\n");

        var entries = IndexLines.Parse(file);

        Assert.Equal(["1.0.0", "1.1.0"], entries.Select(e => e.Vers));
        Assert.Equal("bb", IndexLines.Find(file, "1.1.0")!.Cksum);
        Assert.Null(IndexLines.Find(file, "2.0.0"));
    }
}
