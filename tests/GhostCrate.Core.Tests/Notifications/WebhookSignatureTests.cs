using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Notifications;

namespace GhostCrate.Core.Tests.Notifications;

public sealed class WebhookSignatureTests
{
    [Fact]
    public void Matches_the_Standard_Webhooks_test_vector()
    {
        // From the spec's reference libraries ("sign function works", libraries/javascript/src/webhook.test.ts).
        var signature = WebhookSignature.Sign(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}""");
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Every_secret_signs_during_a_rotation()
    {
        var (newer, older) = (WebhookSignature.NewSecret(), WebhookSignature.NewSecret());
        var both = WebhookSignature.Sign([newer, older], "msg_1", 1700000000, "{}").Split(' ');
        Assert.Equal([WebhookSignature.Sign([newer], "msg_1", 1700000000, "{}"), WebhookSignature.Sign([older], "msg_1", 1700000000, "{}")], both);
    }

    [Fact]
    public void Hub_signature_is_the_hex_hmac_of_the_body()
    {
        var secret = WebhookSignature.NewSecret();
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        using var hmac = new HMACSHA256(key);
        var expected = "sha256=" + Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes("""{"a":1}"""))).ToLowerInvariant();
        Assert.Equal(expected, WebhookSignature.HubSignature(secret, """{"a":1}"""));
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false)]
    [InlineData("whsec_not base64!", false)]
    [InlineData("whsec_c2hvcnQ=", false)]
    public void Secrets_are_checked(string secret, bool valid) => Assert.Equal(valid, WebhookSignature.IsValidSecret(secret));

    [Fact]
    public void New_secrets_are_valid_and_different() =>
        Assert.True(WebhookSignature.IsValidSecret(WebhookSignature.NewSecret()) && WebhookSignature.NewSecret() != WebhookSignature.NewSecret());
}
