using System.Net;
using GhostCrate.Core.Advisories;
using GhostCrate.Core.Jobs;
using GhostCrate.Web.Tests.Policy;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Advisories;

/// <summary>
/// Advisories:SyncFrom (issue 20 item 1): the server imports the RustSec database itself on Advisories:Schedule,
/// through its job queue. The job worker is off and the test drives the node's scheduler and runner with a clock it
/// moves (<see cref="JobNode"/>).
/// </summary>
public sealed class ScheduledAdvisorySyncTests : IDisposable
{
    // 01:00 UTC: the first "30 3 * * *" occurrence is 2.5 hours later.
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 1, 0, 0, TimeSpan.Zero);
    private readonly string _database = Directory.CreateTempSubdirectory("gc-advisory-db-").FullName;

    private void Write(AdvisoryFile file)
    {
        var path = Path.Combine(_database, file.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, file.Text);
    }

    private static async Task<IReadOnlyList<JobRecord>> SyncJobsAsync(TestApp app) =>
        (await app.Services.GetRequiredService<IJobRepository>().ListAsync(null, 500, CancellationToken.None))
            .Where(j => j.Kind == AdvisorySyncJobHandler.JobKind).ToList();

    [Fact]
    public async Task The_server_imports_the_database_on_its_schedule_and_a_broken_source_changes_nothing()
    {
        Write(DownloadPolicyTests.Critical);
        var clock = new ManualClock(Start);
        await using var app = await TestApp.StartAsync(new() { ["Jobs:Enabled"] = "false", ["Advisories:SyncFrom"] = _database },
            services => services.AddSingleton<TimeProvider>(clock));
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("smallvec", "1.6.0").PublishBody())).StatusCode);
        var node = JobNode.Of(app);
        var advisories = app.Services.GetRequiredService<AdvisoryService>();

        await node.TickAsync();
        Assert.Equal(Start.AddHours(2.5), await app.Services.GetRequiredService<IJobRepository>().GetNextRunAsync(AdvisorySyncJobHandler.ScheduleName, CancellationToken.None));
        await node.RunAllAsync();
        Assert.Null(await advisories.FindAsync("RUSTSEC-2021-0003", CancellationToken.None));

        clock.Advance(TimeSpan.FromHours(2.5));
        await node.TickAsync();
        await node.RunAllAsync();
        Assert.Equal(JobState.Succeeded, Assert.Single(await SyncJobsAsync(app)).State);
        Assert.NotNull(await advisories.FindAsync("RUSTSEC-2021-0003", CancellationToken.None));
        // The import flagged the published version, as `ghostcrate advisories sync` does.
        Assert.Contains("RUSTSEC-2021-0003", await app.Client().GetStringAsync("/api/v1/advisories?crate=smallvec"));

        // The next day one file is broken: the run fails and nothing changes (the stored advisory stays).
        File.WriteAllText(Path.Combine(_database, "crates", "smallvec", "RUSTSEC-2021-0003.md"), "not an advisory");
        clock.Advance(TimeSpan.FromDays(1));
        await node.TickAsync();
        await node.RunAllAsync();
        var jobs = await SyncJobsAsync(app);
        Assert.Equal(2, jobs.Count);
        var failed = Assert.Single(jobs, j => j.State != JobState.Succeeded);
        Assert.Equal(JobState.Dead, failed.State);
        Assert.Contains("nothing was imported", failed.LastError!, StringComparison.Ordinal);
        Assert.NotNull(await advisories.FindAsync("RUSTSEC-2021-0003", CancellationToken.None));
    }

    public void Dispose() => Directory.Delete(_database, recursive: true);
}
