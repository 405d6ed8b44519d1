using System.Net;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>Many publishes of one crate at the same moment, as a busy CI fleet would send them.</summary>
public sealed class ConcurrentPublishTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Concurrent_versions_all_land_once_and_a_race_for_one_version_has_exactly_one_winner()
    {
        // A crate that does not exist yet, so the first-publish path (creating the crate and its owner) races too.
        var name = $"concurrent-{Ids.New()}";
        var uploads = Enumerable.Range(0, 20)
            .Select(i => (Version: $"1.0.{i}", Crate: CrateFiles.Build(name, $"1.0.{i}")))
            .ToList();
        var racers = new[] { 'a', 'b' }
            .Select(c => (Version: "2.0.0", Crate: CrateFiles.Build(name, "2.0.0", libRs: $"pub fn racer() -> char {{ '{c}' }}\n")))
            .ToList();
        Assert.NotEqual(CrateFiles.Sha256(racers[0].Crate), CrateFiles.Sha256(racers[1].Crate));

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = uploads.Concat(racers).Select(upload => Task.Run(async () =>
        {
            // Each client has its own connection pool, like separate cargo processes.
            using var client = new RegistryClient(Server.BaseUrl);
            var body = CrateFiles.PublishBody(name, upload.Version, upload.Crate);
            await start.Task;
            var answer = await client.PublishAsync(body, Server.AdminToken, Cancel);
            return (upload.Version, upload.Crate, Answer: answer);
        }, Cancel)).ToList();
        start.SetResult();
        var results = await Task.WhenAll(tasks);

        string Report() => string.Join("\n\n", results.Select(r => $"{r.Version} sha256 {CrateFiles.Sha256(r.Crate)}: {r.Answer.Describe()}"));

        var distinct = results.Where(r => r.Version != "2.0.0").ToList();
        Assert.True(distinct.All(r => r.Answer.Status == HttpStatusCode.OK), $"every distinct version must be accepted:\n{Report()}");

        var race = results.Where(r => r.Version == "2.0.0").ToList();
        var winners = race.Where(r => r.Answer.Status == HttpStatusCode.OK).ToList();
        Assert.True(winners.Count == 1, $"exactly one racer must win:\n{Report()}");
        var loser = race.Single(r => r.Answer.Status != HttpStatusCode.OK);
        Assert.True(loser.Answer.Code is >= 400 and < 500, $"the losing racer must get a 4xx:\n{Report()}");
        Assert.True(loser.Answer.ErrorDetails().Any(d => !string.IsNullOrWhiteSpace(d)), $"the loser needs an error detail:\n{Report()}");

        var entries = await Http.GetIndexEntriesAsync(name, cancellationToken: Cancel);
        var byVersion = entries.GroupBy(e => e["vers"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.ToList());
        var shown = string.Join('\n', entries.Select(e => e.ToJsonString()));
        foreach (var accepted in results.Where(r => r.Answer.Status == HttpStatusCode.OK))
        {
            Assert.True(byVersion.TryGetValue(accepted.Version, out var lines) && lines.Count == 1,
                $"{accepted.Version} must appear exactly once in the index:\n{shown}");
            Assert.Equal(CrateFiles.Sha256(accepted.Crate), lines![0]["cksum"]!.GetValue<string>());
        }

        Assert.True(entries.Count == 21, $"expected 21 index lines:\n{shown}");

        // The stored file for the raced version is the winner's.
        var (status, bytes) = await Http.DownloadAsync(name, "2.0.0", cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(CrateFiles.Sha256(winners[0].Crate), CrateFiles.Sha256(bytes));

        // And cargo agrees: it resolves the newest version.
        var consumer = await Cargo.NewLibAsync($"consumer-{Ids.New()}", dependencies: $"{name} = {{ version = \"2\", registry = \"ghostcrate\" }}");
        await Cargo.RunOkAsync(consumer.Directory, ["fetch"]);
        Assert.Equal("2.0.0", CargoSandbox.LockedVersion(consumer, name));
    }
}
