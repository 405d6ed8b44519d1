using System.Text.Json;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>Typosquat support on both databases: the name lookup, and the crate.typosquat_suspected event in the outbox.</summary>
public abstract class TyposquatStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private async Task<IReadOnlyList<RegistryEvent>> EventsAsync() =>
        (await Db.Ports.Jobs.ListAsync(JobState.Pending, 100, Ct))
            .Where(j => j.Kind == RegistryEvent.JobKind).OrderBy(j => j.Id).Select(j => RegistryEvent.Parse(j.Payload)).ToList();

    [Fact]
    public async Task Existing_private_names_are_found_by_canonical_name_with_their_spelling()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("Acme_Billing", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("serde", "1.0.0", alice.Id));

        // More names than one statement's chunk, to cover the chunking.
        var asked = Enumerable.Range(0, 1200).Select(i => $"n{i}").Append("acme-billing").Append("tokio").ToList();
        var found = await Db.Ports.PrivateCrateNames.ExistingAsync(asked, Ct);
        Assert.Equal(new Dictionary<string, string> { ["acme-billing"] = "Acme_Billing" }, found);
    }

    [Fact]
    public async Task A_new_crate_with_similar_names_writes_one_event_and_a_later_version_none()
    {
        var alice = await CreateUserAsync("alice");
        SimilarCrate[] similar = [new("acme_billing", "swapped", false), new("serde", "affix", true)];
        await PublishAsync(NewVersion("acme-bililng", "1.0.0", alice.Id) with { SimilarCrates = similar });
        // Not a first publish: the name was already accepted, so no new event even if Core passed names along.
        await PublishAsync(NewVersion("acme-bililng", "1.0.1", alice.Id) with { SimilarCrates = similar });

        var events = await EventsAsync();
        Assert.Equal(
            [RegistryEventTypes.CratePublished, RegistryEventTypes.CrateTyposquatSuspected, RegistryEventTypes.CratePublished],
            events.Select(e => e.Type));
        var data = events[1].Data.Deserialize<TyposquatSuspectedData>(RegistryEvent.JsonOptions)!;
        Assert.Equal(("acme-bililng", "1.0.0", "alice"), (data.Crate, data.Version, data.PublishedBy));
        Assert.Equal(similar, data.Similar);
        Assert.Contains("\"rule\":\"swapped\"", events[1].Data.GetRawText());
    }
}

public sealed class SqliteTyposquatStoreTests(SqliteLane lane) : TyposquatStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresTyposquatStoreTests(PostgresLane lane) : TyposquatStoreTests(lane), IClassFixture<PostgresLane>;
