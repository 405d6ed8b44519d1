using GhostCrate.Core.Operations;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Metrics;

/// <summary>
/// The instruments on the index and download fast paths allocate nothing per request (tags are built once), with the
/// server's real OpenTelemetry meter provider listening.
/// </summary>
public sealed class HotPathCostTests
{
    [Fact]
    public async Task Recording_an_index_answer_and_a_download_allocates_nothing_once_the_series_exist()
    {
        await using var app = await TestApp.StartAsync();
        Assert.True(GhostCrateMetrics.IndexRequests.Enabled && GhostCrateMetrics.Downloads.Enabled, "no listener: the measurement would prove nothing");
        for (var i = 0; i < 100; i++) RecordOneRequest();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++) RecordOneRequest();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Zero in practice; a few bytes of slack for a one-off inside the SDK, far below one object per request.
        Assert.True(allocated < 1_000, $"{allocated} bytes allocated for 10,000 requests");
    }

    private static void RecordOneRequest()
    {
        GhostCrateMetrics.IndexAnswered(GhostCrateMetrics.SourcePrivate, notModified: true);
        GhostCrateMetrics.Downloaded(GhostCrateMetrics.SourcePrivate, GhostCrateMetrics.FromMemory);
    }
}
