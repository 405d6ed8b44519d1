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
        // What a busy flush hands over: 20,000 versions, some with two days (a flush across midnight), large counts.
        var increments = Enumerable.Range(0, 20_000)
            .SelectMany(i => i % 7 == 0
                ? new[] { new DownloadIncrement(1_000_000 + i, Day0, 1_000_000), new DownloadIncrement(1_000_000 + i, Day0.AddDays(1), 3) }
                : [new DownloadIncrement(1_000_000 + i, Day0, i)])
            .ToList();

        var chunks = DownloadStatsRepository.JsonChunks(increments).ToList();

        Assert.True(chunks.Count > 10);
        Assert.All(chunks, chunk => Assert.InRange(chunk.Length, 1, Math.Min(DownloadStatsRepository.MaxChunkChars, LargeObjectChars)));
        var parsed = chunks.Select(Parse).ToList();
        Assert.Equal(increments, parsed.SelectMany(c => c));
        // A version's days are never split between chunks.
        var versionsPerChunk = parsed.Select(c => c.Select(i => i.VersionId).ToHashSet()).ToList();
        Assert.Equal(versionsPerChunk.Sum(v => v.Count), versionsPerChunk.SelectMany(v => v).Distinct().Count());
    }

    [Fact]
    public void Increments_in_any_order_are_grouped_by_version()
    {
        var increments = new[]
        {
            new DownloadIncrement(9, Day0, 1), new DownloadIncrement(2, Day0, 2), new DownloadIncrement(9, Day0.AddDays(1), 3),
        };

        var chunk = Assert.Single(DownloadStatsRepository.JsonChunks(increments));

        Assert.Equal([increments[1], increments[0], increments[2]], Parse(chunk));
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
