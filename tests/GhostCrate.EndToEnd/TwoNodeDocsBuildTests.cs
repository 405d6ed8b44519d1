using System.Net;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;
using Npgsql;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Two live builder nodes on one PostgreSQL database and one S3 bucket (docs/rustdoc.md, "Several nodes"): each
/// version published on node A is built exactly once, by whichever node took its job (one `docs.build` job, one
/// attempt, one node's log saying it built the docs), and its docs are then served by both nodes from the shared
/// bucket. Rebuilds asked of both nodes at the same moment queue one build. Skipped outside the postgres-s3 lane.
/// </summary>
public sealed class TwoNodeDocsBuildTests(TwoNodeDocsBuildTests.BuilderNodes nodes) : IClassFixture<TwoNodeDocsBuildTests.BuilderNodes>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Versions_published_on_A_are_each_built_once_by_one_of_two_builders_and_served_by_both()
    {
        var (a, b) = nodes.Get();
        using var cargo = new CargoSandbox(a, a.AdminToken);
        // Several versions queued at once, so both builders have work while the other is busy.
        var projects = new List<CrateProject>();
        for (var i = 0; i < 4; i++)
        {
            var project = await cargo.NewLibAsync($"twodoc{i}-{Ids.New()}",
                files: new Dictionary<string, string> { ["src/lib.rs"] = $"/// Built by one of two nodes.\npub struct TwoNodeItem{i};\n" });
            await cargo.PublishOkAsync(project);
            projects.Add(project);
        }

        for (var i = 0; i < projects.Count; i++)
        {
            var project = projects[i];
            var status = await DocsBuildTests.WaitForBuildAsync(b.Http, a.AdminToken, project.Name);
            Assert.True(status["status"]!.GetValue<string>() == "built", status.ToJsonString());
            // The row says built before the job's end is recorded (the handler marks it, then the runner the job), and
            // each node's log is read from its output as it comes: wait for both before counting.
            List<(string State, int Attempts)> jobs = [];
            await Eventually.TrueAsync(async () => (jobs = await BuildJobsAsync(a, project.Name)).All(j => j.State is not ("pending" or "running")),
                $"the build job of {project.Name} did not end", cancellationToken: Cancel);
            Assert.Equal([("succeeded", 1)], jobs);
            var built = $"Docs of {project.Name} 0.1.0 built";
            await Eventually.TrueAsync(() => a.Log.Contains(built, StringComparison.Ordinal) || b.Log.Contains(built, StringComparison.Ordinal),
                $"neither node logged \"{built}\"", cancellationToken: Cancel);
            var builtBy = new[] { a, b }.Count(node => node.Log.Contains(built, StringComparison.Ordinal));
            Assert.True(builtBy == 1, $"{project.Name} was built by {builtBy} nodes");

            var path = $"/docs/{project.Name}/0.1.0/{project.RustName}/struct.TwoNodeItem{i}.html";
            var fromA = await a.Http.GetAsync(path, cancellationToken: Cancel);
            var fromB = await b.Http.GetAsync(path, cancellationToken: Cancel);
            Assert.True(fromA.Status == HttpStatusCode.OK, fromA.Describe());
            Assert.True(fromB.Status == HttpStatusCode.OK, fromB.Describe());
            Assert.Equal(fromA.Body, fromB.Body);
            Assert.Contains($"TwoNodeItem{i}", fromB.Body, StringComparison.Ordinal);
        }

        // An owner's rebuild asked of both nodes at once: one is queued, the other answered 409, and one more build runs.
        var again = projects[0];
        var answers = await Task.WhenAll(new[] { a, b }.Select(node =>
            node.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/docs/{again.Name}/0.1.0/rebuild"), a.AdminToken, Cancel)));
        Assert.True(answers.Count(r => r.Status == HttpStatusCode.Accepted) == 1 && answers.Count(r => r.Status == HttpStatusCode.Conflict) == 1,
            string.Join("\n", answers.Select(r => r.Describe())));
        await Eventually.TrueAsync(async () => (await BuildJobsAsync(a, again.Name)) is [("succeeded", 1), ("succeeded", 1)],
            $"the rebuild of {again.Name} did not run exactly once", CargoSandbox.BuildTimeout, Cancel);
        var rebuilt = await DocsBuildTests.WaitForBuildAsync(a.Http, a.AdminToken, again.Name);
        Assert.True(rebuilt["status"]!.GetValue<string>() == "built", rebuilt.ToJsonString());
        await DocsBuildTests.AssertScratchEmpty(a.DataDir, Cancel);
        await DocsBuildTests.AssertScratchEmpty(b.DataDir, Cancel);
    }

    /// <summary>The version's `docs.build` jobs in the shared database, oldest first: (state, attempts).</summary>
    private static async Task<List<(string State, int Attempts)>> BuildJobsAsync(GhostCrateServer node, string crate)
    {
        await using var connection = new NpgsqlConnection(node.PostgresConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand("SELECT state, attempts FROM jobs WHERE kind = 'docs.build' AND dedup_key = @key ORDER BY id", connection);
        command.Parameters.AddWithValue("key", $"docs.build:{crate}@0.1.0");
        var jobs = new List<(string, int)>();
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel)) jobs.Add((reader.GetString(0), reader.GetInt32(1)));
        return jobs;
    }

    /// <summary>Both nodes with the docs builder on (the sandbox's namespaces: the tests run as root).</summary>
    public sealed class BuilderNodes : TwoNodeIndexTests.Nodes
    {
        protected override IReadOnlyDictionary<string, string> Extra { get; } = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Docs__Build__Enabled"] = "true",
            ["GHOSTCRATE_Docs__Build__Cargo"] = CargoSandbox.CargoPath,
        };
    }
}
