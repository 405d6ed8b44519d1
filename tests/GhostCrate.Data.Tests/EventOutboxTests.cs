using System.Text.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>Changes write their events into the job table in their own transaction (the outbox).</summary>
public abstract class EventOutboxTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private async Task<IReadOnlyList<RegistryEvent>> EventsAsync() =>
        (await Db.Ports.Jobs.ListAsync(JobState.Pending, 100, Ct))
            .Where(j => j.Kind == RegistryEvent.JobKind)
            .OrderBy(j => j.Id)
            .Select(j => RegistryEvent.Parse(j.Payload))
            .ToList();

    [Fact]
    public async Task Publish_yank_and_unyank_write_one_event_each()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("Foo_Bar", "1.0.0", alice.Id));
        Assert.True(await Crates.SetYankedAsync("foo-bar", "1.0.0", true, T0.AddMinutes(1), Ct, "leaked a secret"));
        // Already yanked: no change, no event.
        Assert.True(await Crates.SetYankedAsync("foo-bar", "1.0.0", true, T0.AddMinutes(2), Ct));
        Assert.True(await Crates.SetYankedAsync("foo-bar", "1.0.0", false, T0.AddMinutes(3), Ct));

        var events = await EventsAsync();
        Assert.Equal([RegistryEventTypes.CratePublished, RegistryEventTypes.CrateYanked, RegistryEventTypes.CrateUnyanked], events.Select(e => e.Type));
        Assert.Equal(3, events.Select(e => e.Id).Distinct().Count());
        Assert.All(events, e => Assert.StartsWith("msg_", e.Id, StringComparison.Ordinal));

        var published = events[0].Data.Deserialize<CratePublishedData>(RegistryEvent.JsonOptions)!;
        Assert.Equal(new CratePublishedData("Foo_Bar", "1.0.0", new string('a', 64), 1234, "alice", true), published);
        Assert.Equal(T0, events[0].Timestamp);
        Assert.Equal("Foo_Bar", events[0].CrateName);
        Assert.Equal(new CrateYankData("Foo_Bar", "1.0.0", true, "leaked a secret"), events[1].Data.Deserialize<CrateYankData>(RegistryEvent.JsonOptions));
        Assert.Equal(new CrateYankData("Foo_Bar", "1.0.0", false), events[2].Data.Deserialize<CrateYankData>(RegistryEvent.JsonOptions));
        Assert.Equal(T0.AddMinutes(3), events[2].Timestamp);
    }

    [Fact]
    public async Task A_failed_publish_writes_no_event()
    {
        var alice = await CreateUserAsync("alice");
        await Assert.ThrowsAsync<IOException>(() => Crates.PublishAsync(NewVersion("foo", "1.0.0", alice.Id), _ => throw new IOException("disk full"), Ct));
        Assert.Empty(await EventsAsync());
        Assert.Equal(0, await Db.CountRowsAsync("jobs", Ct));
    }

    [Fact]
    public async Task Owner_changes_write_events_with_the_owner_list_after_the_change()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));
        var crate = (await Crates.FindAsync("foo", Ct))!;

        await Owners.AddAsync(crate.Id, bob.Id, T0, Ct);
        await Owners.AddAsync(crate.Id, bob.Id, T0, Ct);
        await Owners.RemoveAsync(crate.Id, alice.Id, T0, Ct);

        var owners = (await EventsAsync()).Where(e => e.Type == RegistryEventTypes.OwnersChanged)
            .Select(e => e.Data.Deserialize<OwnersChangedData>(RegistryEvent.JsonOptions)!).ToList();
        Assert.Equal(2, owners.Count);
        Assert.Equal(("added", "bob"), (owners[0].Action, owners[0].User));
        Assert.Equal(["alice", "bob"], owners[0].Owners);
        Assert.Equal(("removed", "alice"), (owners[1].Action, owners[1].User));
        Assert.Equal(["bob"], owners[1].Owners);
    }

    [Fact]
    public async Task Token_creation_and_revocation_write_events_without_secrets()
    {
        var alice = await CreateUserAsync("alice");
        var token = await Tokens.CreateAsync(new NewApiToken(alice.Id, "ci", new string('h', 64), T0, T0.AddDays(30), null, null), Ct);
        Assert.True(await Tokens.RevokeAsync(token.Id, T0.AddMinutes(1), Ct));
        Assert.False(await Tokens.RevokeAsync(token.Id, T0.AddMinutes(2), Ct));
        var second = await Tokens.CreateAsync(new NewApiToken(alice.Id, "other", new string('g', 64), T0, null, null, null), Ct);
        Assert.Equal(1, await Tokens.RevokeAllForUserAsync(alice.Id, T0.AddMinutes(3), Ct));

        var events = await EventsAsync();
        Assert.Equal(
            [RegistryEventTypes.TokenCreated, RegistryEventTypes.TokenRevoked, RegistryEventTypes.TokenCreated, RegistryEventTypes.TokenRevoked],
            events.Select(e => e.Type));
        Assert.Equal(new TokenEventData(token.Id, "ci", "alice", T0.AddDays(30)), events[0].Data.Deserialize<TokenEventData>(RegistryEvent.JsonOptions));
        Assert.Equal(second.Id, events[3].Data.Deserialize<TokenEventData>(RegistryEvent.JsonOptions)!.TokenId);
        Assert.All(events, e => Assert.DoesNotContain("hhhh", e.ToJson(), StringComparison.Ordinal));
    }
}

public sealed class SqliteEventOutboxTests(SqliteLane lane) : EventOutboxTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresEventOutboxTests(PostgresLane lane) : EventOutboxTests(lane), IClassFixture<PostgresLane>;
