using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Identity;

namespace GhostCrate.Core.Tests.Identity;

public sealed class TokenHashKeyTests
{
    [Theory]
    [InlineData("gcr_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ")]
    [InlineData("x")]
    [InlineData("tökén with ünïcode ✓")]
    public void The_key_is_the_sha256_of_the_utf8_secret_and_its_hex_is_what_the_database_stores(string secret)
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        Assert.Equal(expected, TokenHashKey.Of(secret).ToHex());
        Assert.Equal(expected, TokenSecrets.Hash(secret));
    }

    [Fact]
    public void A_secret_longer_than_the_stack_buffer_hashes_the_same_way()
    {
        var secret = new string('é', 1000); // 2,000 UTF-8 bytes: the pooled path
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), TokenHashKey.Of(secret).ToHex());
    }

    [Fact]
    public void Equal_secrets_give_equal_keys_and_different_ones_do_not()
    {
        Assert.Equal(TokenHashKey.Of("gcr_one"), TokenHashKey.Of("gcr_one"));
        Assert.Equal(TokenHashKey.Of("gcr_one").GetHashCode(), TokenHashKey.Of("gcr_one").GetHashCode());
        Assert.NotEqual(TokenHashKey.Of("gcr_one"), TokenHashKey.Of("gcr_two"));
        Assert.DoesNotContain(TokenHashKey.Of("gcr_one").ToHex(), TokenHashKey.Of("gcr_one").ToString(), StringComparison.Ordinal);
    }
}
