using GhostCrate.Core.Notifications;

namespace GhostCrate.Core.Tests.Notifications;

public sealed class WebhookFilterTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static WebhookEndpoint Endpoint(string[] events, string[] patterns) =>
        new(1, "https://example.com", "", events, patterns, ["whsec_x"], true, null, T0, T0);

    private static RegistryEvent Published(string crate) =>
        RegistryEvent.Create(RegistryEventTypes.CratePublished, new CratePublishedData(crate, "1.0.0", "", 1, "alice", true), T0);

    [Theory]
    [InlineData("acme-*", "acme-lib", true)]
    [InlineData("acme-*", "Acme_Lib", true)]
    [InlineData("acme-*", "acmelib", false)]
    [InlineData("serde", "serde", true)]
    [InlineData("serde", "serde_json", false)]
    [InlineData("*", "anything", true)]
    public void Crate_patterns_match_canonical_names(string pattern, string crate, bool matches) =>
        Assert.Equal(matches, CratePattern.Matches(pattern, crate));

    [Theory]
    [InlineData("acme-*", true)]
    [InlineData("*", true)]
    [InlineData("a*b", false)]
    [InlineData("", false)]
    [InlineData("../x", false)]
    public void Crate_patterns_are_validated(string pattern, bool valid) => Assert.Equal(valid, CratePattern.IsValid(pattern));

    [Fact]
    public void An_endpoint_gets_the_events_and_crates_it_asked_for()
    {
        var token = RegistryEvent.Create(RegistryEventTypes.TokenCreated, new TokenEventData(1, "ci", "alice", null), T0);
        Assert.True(Endpoint([], []).Wants(Published("x")));
        Assert.True(Endpoint([], []).Wants(token));
        Assert.False(Endpoint([RegistryEventTypes.CrateYanked], []).Wants(Published("x")));
        Assert.True(Endpoint([RegistryEventTypes.CratePublished], ["acme-*"]).Wants(Published("acme-lib")));
        Assert.False(Endpoint([RegistryEventTypes.CratePublished], ["acme-*"]).Wants(Published("other")));
        // An endpoint that filters on crates hears nothing about events without a crate.
        Assert.False(Endpoint([], ["acme-*"]).Wants(token));
    }

    [Fact]
    public void Events_round_trip_through_their_json()
    {
        var original = Published("acme-lib");
        var json = original.ToJson();
        Assert.Contains("\"type\":\"crate.published\"", json, StringComparison.Ordinal);
        Assert.Contains("\"published_by\":\"alice\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("crate_name", json, StringComparison.Ordinal);
        var parsed = RegistryEvent.Parse(json);
        Assert.Equal((original.Id, original.Type, original.Timestamp, "acme-lib"), (parsed.Id, parsed.Type, parsed.Timestamp, parsed.CrateName));
    }
}
