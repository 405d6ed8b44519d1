using System.Collections.Concurrent;
using System.Text;
using GhostCrate.Core.Index;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests;

/// <summary>
/// The index read path: <see cref="SparseIndexService"/> over <see cref="IndexFileCache"/> and
/// <see cref="IndexChangeFollower"/>, with a unit-test store (the real stores are tested on both database lanes in
/// GhostCrate.Data.Tests, and across two real nodes in GhostCrate.EndToEnd).
/// </summary>
public class IndexFileCacheTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-01-02T03:04:05.678Z");

    [Fact]
    public async Task A_warm_file_is_served_from_memory_without_asking_the_store_again()
    {
        var (store, _, service, cache) = Create();
        store.Write("Foo-Bar", "1.0.0");

        var first = await service.GetAsync("foo-bar", Ct);
        var second = await service.GetAsync("foo-bar", Ct);

        Assert.Same(first!.Content, second!.Content);
        Assert.Equal(1, store.Finds);
        Assert.Equal(1, cache.Count);
        Assert.Equal(DateTimeOffset.Parse("2026-01-02T03:04:05Z"), first.LastModified); // HTTP dates have seconds
        Assert.Equal(first.LastModified.ToString("R"), first.LastModifiedHeader);
        Assert.Equal(store.Rows["foo-bar"].ETag, first.ETag);
    }

    [Fact]
    public async Task A_write_of_this_node_is_served_at_once_after_it_invalidates()
    {
        var (store, _, service, _) = Create();
        store.Write("foo", "1.0.0");
        await service.GetAsync("foo", Ct);

        store.Write("foo", "1.0.0", "1.1.0");
        service.Invalidate("foo");

        Assert.Contains("1.1.0", Text(await service.GetAsync("foo", Ct)));
    }

    [Fact]
    public async Task Another_processes_write_is_dropped_by_the_next_catch_up_and_not_before_on_a_single_node()
    {
        var (store, follower, service, _) = Create();
        await follower.CatchUpAsync(Ct);
        store.Write("foo", "1.0.0");
        await service.GetAsync("foo", Ct);

        store.Write("foo", "1.0.0", "1.1.0"); // another process: no Invalidate here
        Assert.DoesNotContain("1.1.0", Text(await service.GetAsync("foo", Ct)));

        await follower.CatchUpAsync(Ct);
        Assert.Contains("1.1.0", Text(await service.GetAsync("foo", Ct)));
        Assert.Equal(store.Rows["foo"].Seq, follower.LastSeq);
    }

    [Fact]
    public async Task With_several_nodes_the_very_next_read_after_another_nodes_write_serves_it()
    {
        var (store, _, service, _) = Create(sharedByNodes: true);
        store.Write("foo", "1.0.0");
        Assert.DoesNotContain("1.1.0", Text(await service.GetAsync("foo", Ct)));

        store.Write("foo", "1.0.0", "1.1.0"); // committed (and acknowledged) by another node, no notification yet

        Assert.Contains("1.1.0", Text(await service.GetAsync("foo", Ct)));
    }

    [Fact]
    public async Task A_read_from_the_store_that_overlaps_a_change_stores_nothing()
    {
        var (store, follower, service, cache) = Create();
        await follower.CatchUpAsync(Ct);
        store.Write("foo", "1.0.0");
        store.HoldFinds = new TaskCompletionSource();

        var read = service.GetAsync("foo", Ct).AsTask();
        await store.FindStarted.Task.WaitAsync(Ct);
        store.Write("foo", "1.0.0", "1.1.0");
        await follower.CatchUpAsync(Ct); // the change is applied while the old row is on its way
        store.HoldFinds.SetResult();
        await read;

        Assert.Equal(0, cache.Count);
        Assert.Contains("1.1.0", Text(await service.GetAsync("foo", Ct)));
    }

    [Fact]
    public async Task The_first_catch_up_forgets_files_stored_before_it_read_the_counter()
    {
        var (store, follower, service, cache) = Create();
        store.Write("foo", "1.0.0");
        await service.GetAsync("foo", Ct);
        Assert.Equal(1, cache.Count);

        await follower.CatchUpAsync(Ct);

        Assert.Equal(0, cache.Count);
        Assert.Equal(store.Rows["foo"].Seq, follower.LastSeq);
    }

    [Fact]
    public async Task Reads_that_arrive_while_a_catch_up_runs_share_the_next_one()
    {
        var (store, follower, _, _) = Create();
        await follower.CatchUpAsync(Ct);
        var listsBefore = store.Lists;
        store.ListStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.HoldLists = new TaskCompletionSource();

        var running = follower.CatchUpAsync(Ct);
        await store.ListStarted.Task.WaitAsync(Ct);
        var waiting = Enumerable.Range(0, 50).Select(_ => follower.CatchUpAsync(Ct)).ToList();
        Assert.All(waiting, w => Assert.False(w.IsCompleted)); // they need a query that starts after they arrived
        store.HoldLists.SetResult();
        await running;
        await Task.WhenAll(waiting);

        Assert.Equal(listsBefore + 2, store.Lists);
    }

    [Fact]
    public async Task A_node_that_was_away_reads_every_change_past_its_last_in_pages()
    {
        var (store, follower, service, _) = Create();
        await follower.CatchUpAsync(Ct);
        for (var i = 0; i < 2500; i++) store.Write($"c{i}", "1.0.0");
        foreach (var name in new[] { "c0", "c1999", "c2499" }) await service.GetAsync(name, Ct);
        var stale = store.Rows["c2499"].Seq;
        store.Write("c0", "1.0.0", "2.0.0");
        store.Write("c1999", "1.0.0", "2.0.0");

        await follower.CatchUpAsync(Ct);

        Assert.True(follower.LastSeq > stale);
        Assert.Contains("2.0.0", Text(await service.GetAsync("c0", Ct)));
        Assert.Contains("2.0.0", Text(await service.GetAsync("c1999", Ct)));
    }

    [Fact]
    public async Task Memory_stays_within_the_budget()
    {
        var (store, follower, service, cache) = Create(budget: 16 * 1024);
        await follower.CatchUpAsync(Ct);
        for (var i = 0; i < 200; i++)
        {
            store.Write($"crate{i}", "1.0.0", "1.1.0");
            Assert.NotNull(await service.GetAsync($"crate{i}", Ct));
        }
        Assert.InRange(cache.SizeBytes, 1, 16 * 1024);
        Assert.InRange(cache.Count, 1, 199);
    }

    [Fact]
    public async Task Without_a_budget_nothing_is_kept_and_every_read_asks_the_store()
    {
        var (store, _, service, cache) = Create(budget: 0);
        store.Write("foo", "1.0.0");
        await service.GetAsync("foo", Ct);
        await service.GetAsync("foo", Ct);
        Assert.Equal(0, cache.Count);
        Assert.Equal(2, store.Finds);
    }

    [Fact]
    public async Task Another_spelling_of_the_canonical_name_is_not_found_and_unknown_crates_are_null()
    {
        var (store, _, service, _) = Create();
        store.Write("Foo-Bar", "1.0.0");
        Assert.Null(await service.GetAsync("foo_bar", Ct));
        Assert.NotNull(await service.GetAsync("foo-bar", Ct));
        Assert.Null(await service.GetAsync("nope", Ct));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(IndexFile? file) => Encoding.UTF8.GetString(file!.Content);

    private static (MemoryStore Store, IndexChangeFollower Follower, SparseIndexService Service, IndexFileCache Cache) Create(long budget = 1024 * 1024, bool sharedByNodes = false)
    {
        var store = new MemoryStore();
        var cache = new IndexFileCache(budget);
        var feed = new NoFeed(sharedByNodes);
        // Leases off: these tests are about the read barrier (IndexReadLeaseTests are about leases).
        var lease = new IndexReadLease(new NoLeases(), feed, Microsoft.Extensions.Options.Options.Create(new GhostCrate.Core.Options.ServerOptions { IndexReadLeaseMilliseconds = 0 }), TimeProvider.System);
        var follower = new IndexChangeFollower(store, cache, feed, lease, NullLogger<IndexChangeFollower>.Instance);
        return (store, follower, new SparseIndexService(store, cache, follower), cache);
    }

    private sealed class NoLeases : IIndexReadLeases
    {
        public Task RenewAsync(string node, long appliedSeq, TimeSpan lease, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task AcknowledgeAsync(string node, long appliedSeq, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<int> CountBehindAsync(string node, long seq, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task ReleaseAsync(string node, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>Signals nothing: the tests call <see cref="IndexChangeFollower.CatchUpAsync"/> themselves.</summary>
    private sealed class NoFeed(bool sharedByNodes) : GhostCrate.Core.Changes.IChangeFeed
    {
        public bool SharedByNodes => sharedByNodes;
        public IDisposable Subscribe(string topic, Func<CancellationToken, Task> catchUp) => throw new NotSupportedException();
        public Task AnnounceAsync(string topic, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task RunAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
    }

    /// <summary>A unit-test stand-in for the index_files table: one row per crate, a counter that only goes up.</summary>
    private sealed class MemoryStore : IIndexFileStore
    {
        private long _seq;
        public ConcurrentDictionary<string, StoredIndexFile> Rows { get; } = new();
        public int Finds;
        public int Lists;
        public TaskCompletionSource? HoldFinds;
        public TaskCompletionSource? HoldLists;
        public TaskCompletionSource FindStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource ListStarted { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Write(string name, params string[] versions)
        {
            var content = Encoding.UTF8.GetBytes(string.Concat(versions.Select(v => $$"""{"name":"{{name}}","vers":"{{v}}"}""" + "\n")));
            Rows[name.ToLowerInvariant().Replace('_', '-')] = new StoredIndexFile(name, content, IndexFileRenderer.ETagOf(content), T0, Interlocked.Increment(ref _seq));
        }

        public async Task<StoredIndexFile?> FindAsync(string canonicalName, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Finds);
            var row = Rows.GetValueOrDefault(canonicalName); // read before waiting: the "snapshot" of the query
            FindStarted.TrySetResult();
            if (HoldFinds is { } hold) await hold.Task;
            return row;
        }

        public async Task<IReadOnlyList<IndexFileChange>> ListChangesAsync(long afterSeq, int limit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Lists);
            ListStarted.TrySetResult();
            if (HoldLists is { } hold) await hold.Task;
            return Rows.Where(r => r.Value.Seq > afterSeq).OrderBy(r => r.Value.Seq).Take(limit).Select(r => new IndexFileChange(r.Key, r.Value.Seq)).ToList();
        }

        public Task<long> LatestSeqAsync(CancellationToken cancellationToken) => Task.FromResult(Rows.IsEmpty ? 0 : Rows.Values.Max(r => r.Seq));
    }
}
