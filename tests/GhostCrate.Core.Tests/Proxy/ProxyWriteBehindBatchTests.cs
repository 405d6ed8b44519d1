using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Backup;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Storage;

namespace GhostCrate.Core.Tests.Proxy;

/// <summary>
/// Where the blob store can stage (the file store), the write-behind stores a batch's .crate files together: staged,
/// committed once (durable, then in place), and only then given their rows; a staged copy that is not the verified
/// bytes is never committed.
/// </summary>
public class ProxyWriteBehindBatchTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30); // against a hang, not a timing assertion

    private static ProxyWriteBehind.PendingCrate Pending(string name, byte[] bytes, string? checksum = null) =>
        new("crates-io", name, "1.0.0", BlobKey.ProxyCrateFile("crates-io", name, "1.0.0"), bytes, checksum ?? Convert.ToHexStringLower(SHA256.HashData(bytes)), ProxyHarness.Start);

    [Fact]
    public async Task The_crates_of_a_batch_are_committed_together_and_get_their_rows_only_after_the_commit()
    {
        var staging = new MemoryStagingStore();
        var h = new ProxyHarness(new ScriptedUpstream(_ => new HttpResponseMessage(System.Net.HttpStatusCode.NotFound)), batches: staging);
        staging.Target = h.Blobs;
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        staging.CommitGate = held;

        Assert.True(h.WriteBehind.TryEnqueue(Pending("first", Encoding.UTF8.GetBytes("first crate"))));
        // Nothing else arrives: written after one quiet period.
        await h.Time.WhenScheduledAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);
        h.Time.Advance(ProxyWriteBehind.QuietPeriod);
        await staging.CommitStarted.Task.WaitAsync(Guard, TestContext.Current.CancellationToken);
        // Committing, not committed: no blob in place and no row yet.
        Assert.Empty(h.Blobs.Blobs);
        Assert.Empty(h.Cache.Crates);
        // Queued meanwhile: the next batch, one commit for the three.
        foreach (var name in new[] { "second", "third", "fourth" }) Assert.True(h.WriteBehind.TryEnqueue(Pending(name, Encoding.UTF8.GetBytes(name + " crate"))));

        held.SetResult();
        await h.StoredAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Equal(2, staging.Commits);
        Assert.Equal(0, h.Blobs.Puts); // no put of its own per file
        Assert.Equal(4, h.Blobs.Blobs.Count);
        Assert.Equal(["first", "fourth", "second", "third"], h.Cache.Crates.Keys.Select(k => k.Item2).Order());
    }

    [Fact]
    public async Task A_staged_copy_that_is_not_the_verified_bytes_is_not_committed_and_gets_no_row()
    {
        var staging = new MemoryStagingStore();
        var h = new ProxyHarness(new ScriptedUpstream(_ => new HttpResponseMessage(System.Net.HttpStatusCode.NotFound)), batches: staging);
        staging.Target = h.Blobs;
        var good = Encoding.UTF8.GetBytes("good crate");
        // Bytes whose checksum is not the one they were verified with (memory changed under the queue, say).
        Assert.True(h.WriteBehind.TryEnqueue(Pending("bad", Encoding.UTF8.GetBytes("bad crate"), checksum: Convert.ToHexStringLower(SHA256.HashData(good)))));
        Assert.True(h.WriteBehind.TryEnqueue(Pending("good", good)));

        await h.StoredAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Equal(["proxy/crates-io/good/good-1.0.0.crate"], h.Blobs.Blobs.Keys);
        Assert.Equal(["good"], h.Cache.Crates.Keys.Select(k => k.Item2));
    }

    /// <summary>A store that stages in memory and moves a batch into <see cref="Target"/> on commit, which can be held.</summary>
    private sealed class MemoryStagingStore : IBlobBatchStore
    {
        public MemoryBlobStore Target { get; set; } = null!;
        public TaskCompletionSource? CommitGate { get; set; }
        public TaskCompletionSource CommitStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Commits => Volatile.Read(ref _commits);
        private int _commits;

        public IBlobBatch StartBatch() => throw new NotSupportedException("the write-behind stages");

        public IStagedBlobBatch StartStaged() => new Batch(this);

        private sealed class Batch(MemoryStagingStore store) : IStagedBlobBatch
        {
            private readonly ConcurrentDictionary<string, byte[]> _staged = new();

            public Task<FileFacts> StageFileAsync(BlobKey key, string localFile, CancellationToken cancellationToken) => throw new NotSupportedException();

            public async Task<FileFacts> StageAsync(BlobKey key, Stream content, CancellationToken cancellationToken)
            {
                using var copy = new MemoryStream();
                await content.CopyToAsync(copy, cancellationToken);
                var bytes = copy.ToArray();
                _staged[key.Path] = bytes;
                return new FileFacts(bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            }

            public async Task CommitAsync(CancellationToken cancellationToken)
            {
                store.CommitStarted.TrySetResult();
                if (store.CommitGate is { } gate) await gate.Task.WaitAsync(cancellationToken);
                foreach (var (path, bytes) in _staged) store.Target.Blobs[path] = bytes;
                Interlocked.Increment(ref store._commits);
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
