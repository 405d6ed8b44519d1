using System.Text;

namespace GhostCrate.Packaging.Tests;

public class ChecksumsTests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void Sha256Hex_is_lowercase_hex(string input, string expected) =>
        Assert.Equal(expected, Checksums.Sha256Hex(Encoding.ASCII.GetBytes(input)));
}
