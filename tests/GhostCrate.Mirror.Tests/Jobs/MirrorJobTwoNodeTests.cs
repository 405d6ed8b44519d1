using System.Net;
using System.Text.Json;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.MirrorJobs;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GhostCrate.Mirror.Tests.Jobs;

/// <summary>
/// Two servers on one PostgreSQL database, serving one mirror directory, both running their job workers: a sync queued
/// on one runs once (one job, one attempt), a second request on the other node while it runs
/// is refused (the directory's dedup key), and the other node's page and API show the run's progress and result.
/// Skipped unless GHOSTCRATE_TEST_POSTGRES is set (scripts/test.sh --lane postgres-s3).
/// </summary>
public sealed class MirrorJobTwoNodeTests : ProxiedUpstreamTest
{
    [Fact]
    public async Task A_sync_queued_on_one_node_runs_once_and_the_other_node_refuses_a_second_and_shows_it()
    {
        var postgres = Environment.GetEnvironmentVariable("GHOSTCRATE_TEST_POSTGRES");
        if (string.IsNullOrEmpty(postgres)) Assert.Skip("GHOSTCRATE_TEST_POSTGRES not set; run scripts/test.sh --lane postgres-s3");
        var database = $"gc_mirrorjobs_{Guid.NewGuid():N}";
        await ExecuteAsync(postgres, $"CREATE DATABASE \"{database}\"");
        try
        {
            var crates = new[] { await Upstream.PublishAsync("two-node-a", "1.0.0", padding: 2_000), await Upstream.PublishAsync("two-node-b", "1.0.0") };
            Harness.Init(Upstream.SparseIndexUrl, DownloadViaProxy, new SelectionConfig { Crates = [.. crates.Select(c => c.Name)] });
            Directory.CreateDirectory(Path.Combine(Harness.Root, "index"));
            // Downloads stall (and are retried) until the test lets them through, so the run is still going when the
            // second node is asked for another.
            var hold = true;
            Proxy.Plan = (path, _) => hold && path.EndsWith("/download", StringComparison.Ordinal) ? Fault.Stall : Fault.None;
            var settings = MirrorAdminClient.Settings();
            settings["Mirror:UpstreamAllowedCidrs:0"] = "127.0.0.0/8";
            settings["Database:Provider"] = "Postgres";
            settings["Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString;
            settings["Database:AutoMigrate"] = "true";
            await using var a = await MirrorServer.StartAsync(Harness.Root, extra: settings);
            await using var b = await MirrorServer.StartAsync(Harness.Root, extra: settings);
            using var adminA = await MirrorAdminClient.SignInAsync(a);
            using var adminB = await MirrorAdminClient.SignInAsync(b);

            var first = await adminA.StartAsync(new { operation = "sync" });
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            var id = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
            await Eventually.TrueAsync(() => Proxy.CountWhere(p => p.EndsWith("/download", StringComparison.Ordinal)) > 0, "the sync did not start downloading");
            var second = await adminB.StartAsync(new { operation = "verify" });
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            Assert.Contains("still queued or running", await second.Content.ReadAsStringAsync());
            var running = await adminB.RunAsync(id);
            Assert.Equal("running", running.GetProperty("state").GetString());

            hold = false;
            Proxy.ReleaseStalls();
            var run = await adminB.FinishedAsync(id);

            Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
            Assert.Equal(1, run.GetProperty("attempts").GetInt32());
            Assert.Equal(2, run.GetProperty("files_done").GetInt64());
            Assert.Equal(2, run.GetProperty("files_total").GetInt64());
            Assert.All(crates, crate => Assert.True(Harness.HasVerified(crate)));
            var jobs = await a.Services.GetRequiredService<IJobRepository>().ListAsync(null, 500, CancellationToken.None);
            var job = Assert.Single(jobs, j => j.Kind == MirrorJobPayload.JobKind);
            Assert.Equal(1, job.Attempts);
            var page = await adminB.Browser.GetStringAsync("admin/mirror");
            Assert.Contains($"data-run=\"{id}\" data-operation=\"sync\" data-state=\"succeeded\"", page);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(postgres, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
