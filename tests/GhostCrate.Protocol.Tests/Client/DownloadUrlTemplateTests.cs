using GhostCrate.Protocol.Client;

namespace GhostCrate.Protocol.Tests.Client;

public class DownloadUrlTemplateTests
{
    private const string Sum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Theory]
    [InlineData("https://crates.io/api/v1/crates", "serde", "1.0.0", "https://crates.io/api/v1/crates/serde/1.0.0/download")]
    [InlineData("https://crates.io/api/v1/crates/", "serde", "1.0.0", "https://crates.io/api/v1/crates/serde/1.0.0/download")]
    [InlineData("https://static.crates.io/crates/{crate}/{crate}-{version}.crate", "serde", "1.0.0", "https://static.crates.io/crates/serde/serde-1.0.0.crate")]
    [InlineData("https://x/{prefix}/{crate}", "Serde", "1.0.0", "https://x/Se/rd/Serde")]
    [InlineData("https://x/{lowerprefix}/{crate}", "Serde", "1.0.0", "https://x/se/rd/Serde")]
    [InlineData("https://x/{prefix}/{crate}", "syn", "1.0.0", "https://x/3/s/syn")]
    [InlineData("https://x/{prefix}/{crate}", "ab", "1.0.0", "https://x/2/ab")]
    [InlineData("https://x/{prefix}/{crate}", "a", "1.0.0", "https://x/1/a")]
    [InlineData("https://x/{crate}/{version}", "demo", "1.2.3+build.5", "https://x/demo/1.2.3+build.5")]
    [InlineData("https://x/{crate}/{version}", "demo", "1.0/../x?y", "https://x/demo/1.0%2F..%2Fx%3Fy")]
    [InlineData("https://x/{sha256-checksum}", "demo", "1.0.0", "https://x/" + Sum)]
    public void Expands_cargo_markers(string dl, string crate, string version, string expected) =>
        Assert.Equal(expected, DownloadUrlTemplate.Expand(dl, crate, version, Sum).AbsoluteUri);

    [Fact]
    public void Checksum_marker_needs_a_checksum() =>
        Assert.Throws<ArgumentException>(() => DownloadUrlTemplate.Expand("https://x/{sha256-checksum}", "demo", "1.0.0"));

    [Fact]
    public void Refuses_names_that_would_change_the_path() =>
        Assert.Throws<ArgumentException>(() => DownloadUrlTemplate.Expand("https://x/{crate}", "../etc", "1.0.0"));
}
