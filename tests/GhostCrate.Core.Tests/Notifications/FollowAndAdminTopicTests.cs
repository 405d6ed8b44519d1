using GhostCrate.Core.Notifications;
using GhostCrate.Core.Notifications.Email;
using GhostCrate.Core.Options;

namespace GhostCrate.Core.Tests.Notifications;

/// <summary>The followers' topics and the administrators' topics for held versions, typosquats and failed mirror runs: mapping, visibility, wording.</summary>
public sealed class FollowAndAdminTopicTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private static EmailLinks Links() =>
        new(Microsoft.Extensions.Options.Options.Create(new RegistryOptions { PublicUrl = "https://crates.example.com" }));

    [Fact]
    public void Followers_get_their_own_topics_for_releases_yanks_deletions_and_advisories_only()
    {
        Assert.Equal(EmailTopics.FollowedPublished, EmailTopics.ForFollowers(RegistryEventTypes.CratePublished));
        Assert.Equal(EmailTopics.FollowedYanked, EmailTopics.ForFollowers(RegistryEventTypes.CrateUnyanked));
        Assert.Equal(EmailTopics.FollowedDeleted, EmailTopics.ForFollowers(RegistryEventTypes.CrateDeleted));
        Assert.Equal(EmailTopics.FollowedAdvisory, EmailTopics.ForFollowers(RegistryEventTypes.AdvisoryMatched));
        Assert.Null(EmailTopics.ForFollowers(RegistryEventTypes.OwnersChanged));
        Assert.Null(EmailTopics.ForFollowers(RegistryEventTypes.VersionHeld));
        // Offered to everyone, on by default, and never the owners' topic (an owner chooses each apart).
        Assert.All([EmailTopics.FollowedPublished, EmailTopics.FollowedYanked, EmailTopics.FollowedDeleted, EmailTopics.FollowedAdvisory], topic =>
        {
            Assert.Contains(EmailTopics.For(isAdmin: false), t => t.Name == topic);
            Assert.True(EmailTopics.IsOn(new Dictionary<string, bool>(), topic));
            Assert.True(EmailTopics.IsFollowerTopic(topic));
        });
        Assert.False(EmailTopics.IsFollowerTopic(RegistryEventTypes.CratePublished));
    }

    [Fact]
    public void Held_versions_typosquats_and_failed_mirror_runs_are_administrators_topics_on_by_default()
    {
        foreach (var type in new[] { RegistryEventTypes.VersionHeld, RegistryEventTypes.MirrorSyncFailed, RegistryEventTypes.CrateTyposquatSuspected })
        {
            Assert.Equal(type, EmailTopics.For(type));
            Assert.DoesNotContain(EmailTopics.For(isAdmin: false), t => t.Name == type);
            Assert.Contains(EmailTopics.For(isAdmin: true), t => t.Name == type && t.OnByDefault);
        }
        Assert.Null(EmailTopics.For(RegistryEventTypes.MirrorSyncSucceeded));
    }

    [Fact]
    public void The_new_templates_link_where_the_reader_acts()
    {
        var links = Links();
        var held = EmailTemplates.Compose(RegistryEvent.Create(RegistryEventTypes.VersionHeld, new VersionHeldData("acme", "1.0.0", "mallory", "content flags: native-binary", true), T0), links)!;
        Assert.Equal(("acme 1.0.0 waits for your approval", "https://crates.example.com/admin/held"), (held.Subject, held.Link.AbsoluteUri));
        var squat = EmailTemplates.Compose(RegistryEvent.Create(RegistryEventTypes.CrateTyposquatSuspected,
            new TyposquatSuspectedData("serde-jsno", "0.1.0", "mallory", [new SimilarCrate("serde_json", "swapped", true)]), T0), links)!;
        Assert.Equal("serde-jsno looks like serde_json", squat.Subject);
        Assert.Contains("serde_json (swapped, popular on crates.io)", squat.Paragraphs[0], StringComparison.Ordinal);
        var mirror = EmailTemplates.Compose(RegistryEvent.Create(RegistryEventTypes.MirrorSyncFailed,
            new MirrorRunEventData(4, "sync", "/srv/mirror", "cancelled", T0, T0, 1, 2, 3, "cancelled", null), T0), links)!;
        Assert.Equal(("Mirror sync of /srv/mirror CANCELLED", "https://crates.example.com/admin/mirror"), (mirror.Subject, mirror.Link.AbsoluteUri));
        var deleted = EmailTemplates.Compose(RegistryEvent.Create(RegistryEventTypes.CrateDeleted,
            new CrateDeletedData("acme", null, ["1.0.0", "1.1.0"], true, "olga", "mistake", ["acme-org"]), T0), links)!;
        Assert.Equal("acme was deleted", deleted.Subject);
        Assert.Contains("olga deleted the crate acme and its versions (1.0.0, 1.1.0). Reason given: mistake", deleted.Paragraphs[0], StringComparison.Ordinal);
    }
}
