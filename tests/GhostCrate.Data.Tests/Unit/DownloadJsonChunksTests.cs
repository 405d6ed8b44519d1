using System.Text.Json;
using GhostCrate.Core.Downloads;
using GhostCrate.Data.Downloads;

namespace GhostCrate.Data.Tests.Unit;

public sealed class DownloadJsonChunksTests
{
    private static readonly DateOnly Day0 = new(2026, 3, 1);

    // The runtime puts objects of 85,000 bytes or more on its large-object heap; a string takes 2 bytes per character.
    private const int LargeObjectChars = 85_000 / 2;

    [Fact]
    public void A_flush_of_many_versions_becomes_chunks_below_the_large_object_size_holding_every_increment_once()
    {
        // What a busy flush hands over: 20,000 versions, some with two days (a flush across midnight), and a run of the
        // longest elements there can be.
        var increments = Enumerable.Range(0, 20_000)
            .SelectMany(i => i % 7 == 0
                ? new[] { new DownloadIncrement(1_000_000 + i, Day0, 1_000_000), new DownloadIncrement(1_000_000 + i, Day0.AddDays(1), 3) }
                : [new DownloadIncrement(1_000_000 + i, Day0, i)])
            .Concat(Enumerable.Range(0, 2_000).Select(i => new DownloadIncrement(long.MinValue + i, DateOnly.MinValue, long.MinValue)))
            .ToList();

        var chunks = DownloadStatsRepository.JsonChunks(increments).ToList();

        Assert.True(chunks.Count > 10);
        Assert.All(chunks, chunk => Assert.InRange(chunk.Length, 1, Math.Min(DownloadStatsRepository.MaxChunkChars, LargeObjectChars)));
        Assert.Equal(increments, chunks.SelectMany(Parse));
    }

    [Fact]
    public void No_increments_make_no_chunk() => Assert.Empty(DownloadStatsRepository.JsonChunks([]));

    private static List<DownloadIncrement> Parse(string chunk) =>
        JsonDocument.Parse(chunk).RootElement.EnumerateArray()
            .Select(e => new DownloadIncrement(
                e.GetProperty("version_id").GetInt64(),
                DateOnly.FromDayNumber(UnixEpoch.DayNumber + e.GetProperty("day").GetInt32()), // days since 1970-01-01
                e.GetProperty("n").GetInt64()))
            .ToList();

    private static readonly DateOnly UnixEpoch = new(1970, 1, 1);
}
