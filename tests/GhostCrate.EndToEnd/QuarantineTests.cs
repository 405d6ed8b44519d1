using System.Net;
using System.Net.Http.Json;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The proxy's quarantine of fresh versions with the real cargo (docs/security.md#quarantine): P serves versions of U
/// only 24 hours after U published them. Cargo fails at once with the quarantine's reason (a 403 is not one of the
/// answers cargo retries: those are 5xx, 429 and network errors), and builds once an administrator exempts the crate.
/// </summary>
public sealed class QuarantineTests(QuarantineTests.Fixture fixture) : ProxyEndToEndTest(fixture), IClassFixture<QuarantineTests.Fixture>
{
    public sealed class Fixture : ProxyPairFixture
    {
        protected override Dictionary<string, string> ProxySettingsFor(GhostCrateServer upstream)
        {
            var settings = ProxySettings(upstream);
            settings["GHOSTCRATE_Proxy__QuarantineHours"] = "24";
            return settings;
        }
    }

    [Fact]
    public async Task Cargo_fails_at_once_on_a_quarantined_version_and_builds_once_the_crate_is_exempt()
    {
        var id = Ids.New();
        var name = $"fresh-{id}";
        var publisher = PublisherToUpstream();
        await publisher.PublishOkAsync(await publisher.NewLibAsync(name, "1.0.0", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn v() -> u32 { 1 }\n" }), verify: false);

        var consumer = await ConsumerOfProxyAsync();
        var rust = name.Replace('-', '_');
        var (_, quarantined) = await BuildConsumerAsync(consumer, $"early-{id}", $"{name} = \"1.0.0\"", $"{rust}::v()");
        Assert.False(quarantined.Succeeded, quarantined.Describe());
        Assert.Contains($"`{name}@1.0.0` is quarantined", quarantined.StdErr, StringComparison.Ordinal);
        Assert.Contains("403", quarantined.StdErr, StringComparison.Ordinal);
        // Cargo's retry of an answer it thinks transient prints "spurious network error (N tries remaining)".
        Assert.DoesNotContain("spurious", quarantined.StdErr, StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine("What cargo prints for a quarantined download:\n" + quarantined.StdErr);

        var exempt = await Proxy.Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"api/v1/admin/quarantine/exemptions/{name}")
        {
            Content = JsonContent.Create(new { reason = "end-to-end test", until = "2999-01-01" }),
        }, Proxy.AdminToken, Cancel);
        Assert.True(exempt.Status == HttpStatusCode.OK, exempt.Describe());
        var (_, built) = await BuildConsumerAsync(consumer, $"exempt-{id}", $"{name} = \"1.0.0\"", $"{rust}::v()");
        Assert.True(built.Succeeded, built.Describe());
    }
}
