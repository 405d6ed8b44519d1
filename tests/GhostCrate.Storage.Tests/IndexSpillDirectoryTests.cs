using System.Text;
using GhostCrate.Core.Index;
using GhostCrate.Protocol.Index;
using GhostCrate.Storage.FileSystem;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Storage.Tests;

public sealed class IndexSpillDirectoryTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-01-02T03:04:05.123Z");
    private readonly string _parent = Directory.CreateTempSubdirectory("ghostcrate-spill-").FullName;
    private readonly List<IndexSpillDirectory> _spills = [];

    [Fact]
    public void A_written_file_reads_back_with_everything_the_cache_decides_by()
    {
        var spill = Create();
        var written = Spilled("serde", "1.0.0", updatedAt: T0, storedAt: T0.AddSeconds(2));
        spill.Write("serde", written);

        var read = spill.TryRead("serde");

        Assert.NotNull(read);
        Assert.Equal(written.File.Content, read.File.Content);
        Assert.Equal(written.File.ETag, read.File.ETag);
        Assert.Equal(written.File.LastModified, read.File.LastModified);
        Assert.Equal(written.File.LastModifiedHeader, read.File.LastModifiedHeader);
        Assert.Equal("Serde", read.File.Name);
        Assert.Equal(T0, read.UpdatedAt);
        Assert.Equal(T0.AddSeconds(2), read.StoredAt);
        // Laid out as Cargo's index is, under this process's own folder.
        Assert.True(File.Exists(Path.Combine(spill.Root, IndexPath.ForCrate("serde"))));
    }

    [Fact]
    public void A_file_larger_than_the_read_buffer_reads_back_whole()
    {
        var spill = Create();
        var written = Spilled("big", new string('v', 40_000));
        spill.Write("big", written);
        Assert.Equal(written.File.Content, spill.TryRead("big")!.File.Content);
    }

    [Fact]
    public void Writing_again_replaces_the_file_and_leaves_no_temporary_file()
    {
        var spill = Create();
        spill.Write("a", Spilled("a", "1.0.0"));
        spill.Write("a", Spilled("a", "2.0.0"));
        Assert.Contains("2.0.0", Encoding.UTF8.GetString(spill.TryRead("a")!.File.Content));
        Assert.Equal([Path.Combine(spill.Root, "1", "a")], Directory.GetFiles(Path.Combine(spill.Root, "1")));
    }

    [Fact]
    public void A_deleted_or_never_written_file_is_not_found()
    {
        var spill = Create();
        spill.Write("abcd", Spilled("abcd", "1.0.0"));
        spill.Delete("abcd");
        spill.Delete("never-written");
        Assert.Null(spill.TryRead("abcd"));
        Assert.Null(spill.TryRead("never-written"));
    }

    [Fact]
    public void A_truncated_or_foreign_file_is_not_used()
    {
        var spill = Create();
        spill.Write("cut", Spilled("cut", "1.0.0"));
        var path = Path.Combine(spill.Root, IndexPath.ForCrate("cut"));
        var bytes = File.ReadAllBytes(path);
        for (var length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(path, bytes[..length]);
            Assert.Null(spill.TryRead("cut"));
        }
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes("{\"name\":\"cut\"}\n"));
        Assert.Null(spill.TryRead("cut"));
    }

    [Fact]
    public void Two_processes_sharing_a_data_folder_never_see_each_other_s_files()
    {
        var first = Create();
        var second = Create();
        first.Write("shared", Spilled("shared", "1.0.0"));
        Assert.NotEqual(first.Root, second.Root);
        Assert.Null(second.TryRead("shared"));
    }

    [Fact]
    public async Task The_folder_of_a_process_that_ended_is_deleted_at_the_next_start_and_a_live_one_is_kept()
    {
        var ended = Create();
        ended.Write("old", Spilled("old", "1.0.0"));
        var live = Create();
        live.Write("kept", Spilled("kept", "1.0.0"));
        ended.Dispose(); // releases its lock, as the end of a process does

        var next = Create();
        await next.CleanUp;

        Assert.False(Directory.Exists(ended.Root));
        Assert.True(Directory.Exists(live.Root));
        Assert.NotNull(live.TryRead("kept"));
    }

    [Fact]
    public void A_file_that_cannot_be_deleted_turns_the_spill_off()
    {
        var spill = Create();
        spill.Write("stuck", Spilled("stuck", "1.0.0"));
        spill.Write("other", Spilled("other", "1.0.0"));
        // Something the process cannot unlink as a file stands where the crate's file is.
        var path = Path.Combine(spill.Root, IndexPath.ForCrate("stuck"));
        File.Delete(path);
        Directory.CreateDirectory(Path.Combine(path, "inside"));

        spill.Delete("stuck");

        Assert.True(spill.IsOff);
        Assert.Null(spill.TryRead("other"));
    }

    public void Dispose()
    {
        foreach (var spill in _spills) spill.Dispose();
        Directory.Delete(_parent, recursive: true);
    }

    private IndexSpillDirectory Create()
    {
        var spill = new IndexSpillDirectory(_parent, NullLogger<IndexSpillDirectory>.Instance);
        _spills.Add(spill);
        return spill;
    }

    private static SpilledIndexFile Spilled(string name, string version, DateTimeOffset? updatedAt = null, DateTimeOffset? storedAt = null)
    {
        var content = Encoding.UTF8.GetBytes($"{{\"name\":\"{name}\",\"vers\":\"{version}\"}}\n");
        var display = char.ToUpperInvariant(name[0]) + name[1..];
        var file = new IndexFile(content, SparseIndexService.ETagOf(content), T0.AddTicks(-T0.Ticks % TimeSpan.TicksPerSecond)) { Name = display };
        return new SpilledIndexFile(file, updatedAt ?? T0, storedAt ?? T0);
    }
}
