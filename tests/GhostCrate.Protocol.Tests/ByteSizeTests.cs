using GhostCrate.Protocol.Formatting;

namespace GhostCrate.Protocol.Tests;

public class ByteSizeTests
{
    [Theory]
    [InlineData(0, "0 bytes")]
    [InlineData(1, "1 byte")]
    [InlineData(1023, "1023 bytes")]
    [InlineData(1024, "1 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(10 * 1024 * 1024, "10 MiB")]
    [InlineData(12 * 1024 * 1024 + 512 * 1024, "12.5 MiB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3 GiB")]
    public void Formats_binary_units(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));

    [Fact]
    public void Pair_falls_back_to_exact_bytes_when_rounding_hides_the_difference() =>
        Assert.Equal(("1048577 bytes", "1048576 bytes"), ByteSize.FormatPair(1024 * 1024 + 1, 1024 * 1024));
}
