using GhostCrate.Core.Identity;

namespace GhostCrate.Core.Tests;

public class IdentityTests
{
    [Fact]
    public void Tokens_are_random_prefixed_and_only_their_hash_is_kept()
    {
        var a = TokenSecrets.Generate();
        var b = TokenSecrets.Generate();
        Assert.NotEqual(a, b);
        Assert.StartsWith(TokenSecrets.Prefix, a);
        Assert.True(a.Length >= 40);
        var hash = TokenSecrets.Hash(a);
        Assert.Equal(64, hash.Length);
        Assert.DoesNotContain(a, hash);
        Assert.True(TokenSecrets.HashesEqual(hash, TokenSecrets.Hash(a)));
        Assert.False(TokenSecrets.HashesEqual(hash, TokenSecrets.Hash(b)));
    }

    [Fact]
    public void Passwords_verify_only_with_the_right_secret()
    {
        var stored = PasswordHasher.Hash("correct horse");
        Assert.StartsWith("pbkdf2-sha256$", stored);
        Assert.True(PasswordHasher.Verify("correct horse", stored));
        Assert.False(PasswordHasher.Verify("correct horsE", stored));
        Assert.False(PasswordHasher.Verify("x", "garbage"));
        Assert.False(PasswordHasher.Verify("x", null));
        Assert.NotEqual(stored, PasswordHasher.Hash("correct horse"));
    }

    [Theory]
    [InlineData("acme-*", "acme-util", true)]
    [InlineData("acme-*", "acme_util", true)]
    [InlineData("acme-*", "other", false)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exact-not", false)]
    public void Crate_scopes_match_exact_names_and_prefixes(string scope, string crate, bool allowed) =>
        Assert.Equal(allowed, new TokenScopes(null, [scope]).AllowsCrate(crate));

    [Fact]
    public void Endpoint_scopes_restrict_only_when_present()
    {
        Assert.True(TokenScopes.Unrestricted.AllowsEndpoint(TokenScopes.PublishNew));
        var yank = TokenScopes.FromStored("yank", null);
        Assert.True(yank.AllowsEndpoint(TokenScopes.Yank));
        Assert.False(yank.AllowsEndpoint(TokenScopes.PublishUpdate));
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("a.b-c_d", true)]
    [InlineData("", false)]
    [InlineData("-lead", false)]
    [InlineData("sp ace", false)]
    public void User_names_are_validated(string name, bool valid) =>
        Assert.Equal(valid, UserService.ValidateUsername(name) is null);
}
