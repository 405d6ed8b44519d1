using System.Text.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>Email choices, crate owners as recipients, and token.expiring written once per token and window.</summary>
public abstract class EmailNotificationStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private async Task<IReadOnlyList<RegistryEvent>> ExpiringEventsAsync() =>
        (await Db.Ports.Jobs.ListAsync(JobState.Pending, 500, Ct))
            .Where(j => j.Kind == RegistryEvent.JobKind)
            .Select(j => RegistryEvent.Parse(j.Payload))
            .Where(e => e.Type == RegistryEventTypes.TokenExpiring)
            .OrderBy(e => e.Data.GetProperty("token_id").GetInt64()).ThenBy(e => e.Data.GetProperty("window_days").GetInt32())
            .ToList();

    [Fact]
    public async Task Choices_are_stored_per_user_and_topic_and_can_be_changed()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var preferences = Db.Ports.EmailPreferences;
        Assert.Empty(await preferences.GetAsync(alice.Id, Ct));

        await preferences.SetAsync(alice.Id, new Dictionary<string, bool> { ["crate.published"] = false, ["token.expiring"] = true }, T0, Ct);
        await preferences.SetAsync(alice.Id, new Dictionary<string, bool> { ["crate.published"] = true, ["crate.yanked"] = false }, T0.AddMinutes(1), Ct);

        var choices = await preferences.GetAsync(alice.Id, Ct);
        Assert.Equal(3, choices.Count);
        Assert.True(choices["crate.published"]);
        Assert.False(choices["crate.yanked"]);
        Assert.True(choices["token.expiring"]);
        Assert.Empty(await preferences.GetAsync(bob.Id, Ct));
    }

    [Fact]
    public async Task Crate_owners_are_found_by_any_spelling_of_the_crate_name()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        await CreateUserAsync("carol");
        await PublishAsync(NewVersion("Mail_Me", "1.0.0", alice.Id));
        var crate = (await Crates.FindAsync("mail-me", Ct))!;
        await Owners.AddAsync(crate.Id, bob.Id, T0, Ct);

        Assert.Equal([alice.Id, bob.Id], await Db.Ports.EmailPreferences.CrateOwnerIdsAsync("mail-me", Ct));
        Assert.Equal([alice.Id, bob.Id], await Db.Ports.EmailPreferences.CrateOwnerIdsAsync("MAIL_ME", Ct));
        Assert.Empty(await Db.Ports.EmailPreferences.CrateOwnerIdsAsync("nope", Ct));
    }

    [Fact]
    public async Task Expiring_tokens_get_one_event_per_window_and_none_for_revoked_expired_or_far_tokens()
    {
        var alice = await CreateUserAsync("alice");
        var soon = await Tokens.CreateAsync(new NewApiToken(alice.Id, "soon", new string('a', 64), T0, T0.AddDays(5), null, null), Ct);
        var tomorrow = await Tokens.CreateAsync(new NewApiToken(alice.Id, "tomorrow", new string('b', 64), T0, T0.AddHours(20), null, null), Ct);
        await Tokens.CreateAsync(new NewApiToken(alice.Id, "far", new string('c', 64), T0, T0.AddDays(30), null, null), Ct);
        await Tokens.CreateAsync(new NewApiToken(alice.Id, "never", new string('d', 64), T0, null, null, null), Ct);
        await Tokens.CreateAsync(new NewApiToken(alice.Id, "gone", new string('e', 64), T0, T0.AddHours(-1), null, null), Ct);
        var revoked = await Tokens.CreateAsync(new NewApiToken(alice.Id, "revoked", new string('f', 64), T0, T0.AddDays(2), null, null), Ct);
        await Tokens.RevokeAsync(revoked.Id, T0, Ct);
        var store = Db.Ports.TokenExpiry;

        // "soon" is inside the 7-day window; "tomorrow" inside both, and gets one event, for the 1-day window.
        Assert.Equal(2, await store.WriteExpiringEventsAsync(T0, [7, 1], Ct));
        Assert.Equal(0, await store.WriteExpiringEventsAsync(T0.AddMinutes(5), [7, 1], Ct));
        // Four days later "soon" enters the 1-day window: one more event; "tomorrow" has expired.
        Assert.Equal(1, await store.WriteExpiringEventsAsync(T0.AddDays(4).AddHours(1), [7, 1], Ct));
        Assert.Equal(0, await store.WriteExpiringEventsAsync(T0.AddDays(4).AddHours(2), [7, 1], Ct));

        var events = await ExpiringEventsAsync();
        Assert.Equal(
            [(soon.Id, 7), (soon.Id, 1), (tomorrow.Id, 1)],
            events.Select(e => (e.Data.GetProperty("token_id").GetInt64(), e.Data.GetProperty("window_days").GetInt32())).OrderBy(x => x.Item1).ThenByDescending(x => x.Item2));
        var first = events.First(e => e.Data.GetProperty("token_id").GetInt64() == soon.Id).Data.Deserialize<TokenExpiringData>(RegistryEvent.JsonOptions)!;
        Assert.Equal(("soon", "alice", T0.AddDays(5)), (first.Name, first.User, first.ExpiresAt));
    }

    [Fact]
    public async Task Two_nodes_sweeping_at_once_write_each_warning_once()
    {
        var alice = await CreateUserAsync("alice");
        for (var i = 0; i < 20; i++)
            await Tokens.CreateAsync(new NewApiToken(alice.Id, $"t{i}", new string((char)('a' + i), 64), T0, T0.AddDays(3), null, null), Ct);
        // Two independent instances (own pools, own writer gates), like two servers on one database.
        var nodes = new[] { Db.Open(), Db.Open(), Db.Open() };
        var written = await Task.WhenAll(nodes.Select(n => n.TokenExpiry.WriteExpiringEventsAsync(T0, [7, 1], Ct)));

        Assert.Equal(20, written.Sum());
        Assert.Equal(20, (await ExpiringEventsAsync()).Count);
        Assert.Equal(20, await Db.CountRowsAsync("token_expiry_notices", Ct));
    }
}

public sealed class SqliteEmailNotificationStoreTests(SqliteLane lane) : EmailNotificationStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresEmailNotificationStoreTests(PostgresLane lane) : EmailNotificationStoreTests(lane), IClassFixture<PostgresLane>;
