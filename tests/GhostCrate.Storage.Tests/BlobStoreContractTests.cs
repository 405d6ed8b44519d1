using GhostCrate.Core.Storage;

namespace GhostCrate.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IBlobStore"/> must have. Each backend derives from this class and supplies a
/// fresh, empty store per test; backend-specific tests live in the derived class.
/// </summary>
public abstract class BlobStoreContractTests : IAsyncLifetime
{
    private IBlobStore? _store;

    protected IBlobStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Returns an empty store that no other test uses (or calls Assert.Skip when the backend is unavailable).</summary>
    protected abstract ValueTask<IBlobStore> CreateStoreAsync();

    /// <summary>Null when put-if-absent is atomic under concurrent writers; otherwise why the test is skipped.</summary>
    protected virtual string? ConcurrentIfAbsentSkipReason => null;

    /// <summary>Null when a reader racing an overwrite sees the old or the new blob, never a mix; otherwise why not.</summary>
    protected virtual string? AtomicOverwriteSkipReason => null;

    public async ValueTask InitializeAsync() => _store = await CreateStoreAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Put_then_read_returns_the_same_bytes_length_and_a_timestamp()
    {
        var key = BlobKey.CrateFile("Serde", "1.0.0");
        var bytes = Payloads.Random(1000, seed: 1);

        Assert.Equal(BlobPutResult.Stored, await Store.PutBytesAsync(key, bytes, BlobPutMode.IfAbsent));

        await using var blob = await Store.OpenReadAsync(key, Ct);
        Assert.NotNull(blob);
        Assert.Equal(bytes.Length, blob.Length);
        Assert.NotNull(blob.LastModified);
        Assert.Equal(bytes, await Store.ReadBytesAsync(key));
        Assert.True(await Store.ExistsAsync(key, Ct));
    }

    [Fact]
    public async Task IfAbsent_keeps_the_first_content_and_reports_AlreadyExists()
    {
        var key = BlobKey.ProxyCrateFile("crates-io", "rand", "0.8.5");
        var first = Payloads.Random(300, seed: 2);

        Assert.Equal(BlobPutResult.Stored, await Store.PutBytesAsync(key, first, BlobPutMode.IfAbsent));
        Assert.Equal(BlobPutResult.AlreadyExists, await Store.PutBytesAsync(key, Payloads.Random(400, seed: 3), BlobPutMode.IfAbsent));

        Assert.Equal(first, await Store.ReadBytesAsync(key));
    }

    [Fact]
    public async Task Overwrite_replaces_existing_content()
    {
        var key = BlobKey.CrateFile("serde", "1.0.1");
        var second = Payloads.Random(123, seed: 5);

        Assert.Equal(BlobPutResult.Stored, await Store.PutBytesAsync(key, Payloads.Random(456, seed: 4), BlobPutMode.Overwrite));
        Assert.Equal(BlobPutResult.Stored, await Store.PutBytesAsync(key, second, BlobPutMode.Overwrite));

        Assert.Equal(second, await Store.ReadBytesAsync(key));
    }

    [Fact]
    public async Task A_missing_blob_reads_as_null_and_does_not_exist()
    {
        var key = BlobKey.CrateFile("missing", "0.0.1");

        Assert.Null(await Store.OpenReadAsync(key, Ct));
        Assert.False(await Store.ExistsAsync(key, Ct));
    }

    [Fact]
    public async Task A_folder_of_blobs_is_not_itself_a_blob()
    {
        await Store.PutBytesAsync(BlobKey.CrateFile("serde", "1.0.0"), [1, 2, 3], BlobPutMode.IfAbsent);

        Assert.Null(await Store.OpenReadAsync(BlobKey.FromPath("crates/serde"), Ct));
        Assert.False(await Store.ExistsAsync(BlobKey.FromPath("crates/serde"), Ct));
        await Store.DeleteAsync(BlobKey.FromPath("crates/serde"), Ct);
        Assert.True(await Store.ExistsAsync(BlobKey.CrateFile("serde", "1.0.0"), Ct));
    }

    [Fact]
    public async Task Delete_removes_the_blob_and_is_idempotent()
    {
        var key = BlobKey.CrateFile("serde", "1.0.2");
        await Store.PutBytesAsync(key, [1, 2, 3], BlobPutMode.IfAbsent);

        await Store.DeleteAsync(key, Ct);
        await Store.DeleteAsync(key, Ct);
        await Store.DeleteAsync(BlobKey.FromPath("never/was/here.bin"), Ct);

        Assert.False(await Store.ExistsAsync(key, Ct));
        Assert.Null(await Store.OpenReadAsync(key, Ct));
        // A deleted key can be stored again.
        Assert.Equal(BlobPutResult.Stored, await Store.PutBytesAsync(key, [4], BlobPutMode.IfAbsent));
    }

    [Fact]
    public async Task List_returns_the_paths_under_a_prefix()
    {
        string[] crates = ["crates/a/a-1.0.0.crate", "crates/a/a-1.1.0.crate", "crates/ab/ab-0.1.0.crate", "crates/b/b-2.0.0.crate"];
        string[] proxy = ["proxy/crates-io/a/a-1.0.0.crate"];
        foreach (var path in crates.Concat(proxy))
            await Store.PutBytesAsync(BlobKey.FromPath(path), [1], BlobPutMode.IfAbsent);

        Assert.Equal(crates, await Store.ListSortedAsync("crates/"));
        Assert.Equal(proxy, await Store.ListSortedAsync("proxy/"));
        Assert.Equal(crates.Concat(proxy).Order(StringComparer.Ordinal), await Store.ListSortedAsync(""));
        // A prefix is a string prefix, not only a folder.
        Assert.Equal(crates[..3], await Store.ListSortedAsync("crates/a"));
        Assert.Equal(crates[..2], await Store.ListSortedAsync("crates/a/"));
        Assert.Empty(await Store.ListSortedAsync("nothing/"));
        Assert.Empty(await Store.ListSortedAsync("crates/zz"));
    }

    [Fact]
    public async Task Keys_in_nested_folders_round_trip_and_list_with_forward_slashes()
    {
        var key = BlobKey.FromPath("deep/er/and/deeper/still/blob.bin");
        var bytes = Payloads.Random(64, seed: 6);

        await Store.PutBytesAsync(key, bytes, BlobPutMode.Overwrite);

        Assert.Equal(bytes, await Store.ReadBytesAsync(key));
        Assert.Equal(["deep/er/and/deeper/still/blob.bin"], await Store.ListSortedAsync("deep/"));
    }

    [Fact]
    public async Task A_5_MiB_blob_round_trips_intact()
    {
        var key = BlobKey.CrateFile("big", "1.0.0");
        var bytes = Payloads.Random(5 * 1024 * 1024, seed: 7);

        Assert.Equal(BlobPutResult.Stored, await Store.PutBytesAsync(key, bytes, BlobPutMode.IfAbsent));

        Assert.Equal(bytes, await Store.ReadBytesAsync(key));
    }

    [Fact]
    public async Task A_non_seekable_input_stream_is_stored_intact()
    {
        var key = BlobKey.CrateFile("streamed", "1.0.0");
        var bytes = Payloads.Random(300_000, seed: 8);

        await using var content = new NonSeekableStream(new MemoryStream(bytes));
        Assert.Equal(BlobPutResult.Stored, await Store.PutAsync(key, content, BlobPutMode.IfAbsent, Ct));

        Assert.Equal(bytes, await Store.ReadBytesAsync(key));
    }

    [Fact]
    public async Task Put_stores_the_stream_from_its_current_position_and_leaves_it_open()
    {
        var key = BlobKey.CrateFile("positioned", "1.0.0");
        var bytes = Payloads.Random(1000, seed: 9);
        using var content = new MemoryStream(bytes);
        content.Position = 100;

        await Store.PutAsync(key, content, BlobPutMode.Overwrite, Ct);

        Assert.Equal(bytes[100..], await Store.ReadBytesAsync(key));
        Assert.True(content.CanRead, "the caller owns the stream; the store must not dispose it");
    }

    [Fact]
    public async Task A_cancelled_put_stores_nothing()
    {
        var key = BlobKey.CrateFile("cancelled", "1.0.0");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        using var content = new MemoryStream(Payloads.Random(1000, seed: 10));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.PutAsync(key, content, BlobPutMode.IfAbsent, cancelled.Token));

        Assert.False(await Store.ExistsAsync(key, Ct));
    }

    [Theory]
    [InlineData("../escape.bin")]
    [InlineData("crates/../../escape.bin")]
    [InlineData("/absolute.bin")]
    [InlineData("crates//double-slash.bin")]
    [InlineData("crates/./dot.bin")]
    [InlineData("crates\\backslash.bin")]
    [InlineData("")]
    public async Task Keys_that_are_not_plain_relative_paths_are_rejected(string path)
    {
        var key = BlobKey.FromPath(path);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutBytesAsync(key, [1], BlobPutMode.Overwrite));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenReadAsync(key, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(key, Ct));
    }

    [Fact]
    public async Task Concurrent_IfAbsent_writers_of_one_key_store_exactly_one_intact_blob()
    {
        if (ConcurrentIfAbsentSkipReason is { } reason) Assert.Skip(reason);
        var key = BlobKey.ProxyCrateFile("crates-io", "contended", "1.0.0");
        var payloads = Enumerable.Range(0, 8).Select(i => Payloads.Random(256 * 1024 + i, seed: 100 + i)).ToArray();

        // Release every writer at once rather than hoping Task.Run starts them together.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = payloads.Select(payload => Task.Run(async () =>
        {
            await start.Task;
            return await Store.PutBytesAsync(key, payload, BlobPutMode.IfAbsent);
        }, Ct)).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(writers);

        Assert.Single(results, r => r == BlobPutResult.Stored);
        Assert.All(results, r => Assert.True(r is BlobPutResult.Stored or BlobPutResult.AlreadyExists));
        var winner = payloads[Array.IndexOf(results, BlobPutResult.Stored)];
        Assert.Equal(winner, await Store.ReadBytesAsync(key));
    }

    [Fact]
    public async Task Readers_racing_an_overwrite_see_the_old_or_the_new_blob_never_a_mix()
    {
        if (AtomicOverwriteSkipReason is { } reason) Assert.Skip(reason);
        var key = BlobKey.FromPath("crates/hot/hot-1.0.0.crate");
        // Different lengths and contents, so a torn read shows up as a wrong length or a mixed byte pattern.
        byte[][] versions = [Payloads.Random(512 * 1024, seed: 20), Payloads.Random(512 * 1024 + 4096, seed: 21)];
        await Store.PutBytesAsync(key, versions[0], BlobPutMode.Overwrite);

        using var writerDone = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            try
            {
                for (var i = 1; i <= 30; i++) await Store.PutBytesAsync(key, versions[i % 2], BlobPutMode.Overwrite);
            }
            finally
            {
                await writerDone.CancelAsync();
            }
        }, Ct);
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var reads = 0;
            // Each reader reads at least once, and keeps reading until the writer has finished.
            while (reads == 0 || !writerDone.IsCancellationRequested)
            {
                var seen = await Store.ReadBytesAsync(key);
                Assert.NotNull(seen);
                Assert.True(seen.AsSpan().SequenceEqual(versions[0]) || seen.AsSpan().SequenceEqual(versions[1]),
                    $"read {seen.Length} bytes that match neither version");
                reads++;
            }
            return reads;
        }, Ct)).ToArray();

        await writer;
        Assert.All(await Task.WhenAll(readers), reads => Assert.True(reads > 0));
    }

    [Fact]
    public async Task The_health_check_succeeds_and_leaves_no_blob_behind()
    {
        await Store.CheckHealthAsync(Ct);
        await Store.CheckHealthAsync(Ct);

        Assert.Empty(await Store.ListSortedAsync(""));
    }
}
