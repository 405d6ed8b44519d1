using System.Collections.Concurrent;
using System.Text;
using GhostCrate.Core.Proxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests.Proxy;

public class ProxyCratePrefetchTests
{
    private static byte[] File(params string[] versions) => Encoding.UTF8.GetBytes(string.Concat(versions.Select(v =>
        $"{{\"name\":\"serde\",\"vers\":\"{v}\",\"deps\":[],\"cksum\":\"aa\",\"features\":{{}},\"yanked\":false}}\n")));

    private static ProxyHarness Harness(bool prefetchCrates = true) => new(new ScriptedUpstream(_ => throw new InvalidOperationException("not asked")), prefetchCrates: prefetchCrates);

    /// <summary>The versions the prefetch asked for, as "name@version", in the order asked.</summary>
    private sealed class Recorder
    {
        public ConcurrentQueue<string> Asked { get; } = new();

        public ProxyCratePrefetch Prefetch(TimeProvider? time = null) => new((upstream, name, version, _) =>
        {
            Asked.Enqueue($"{upstream.Name}/{name}@{version}");
            return Task.CompletedTask;
        }, NullLogger.Instance, time);
    }

    /// <summary>Polls (with a deadline) until the prefetch has nothing queued or running.</summary>
    private static async Task IdleAsync(ProxyCratePrefetch prefetch)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (prefetch.Outstanding > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the prefetch still has {prefetch.Outstanding} item(s) after 30 s");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task A_file_a_client_read_gets_its_newest_release_fetched_once_per_copy_and_a_changed_file_again()
    {
        var recorder = new Recorder();
        await using var prefetch = recorder.Prefetch();
        var h = Harness();
        var first = File("1.0.0", "1.0.1", "2.0.0-beta.1");

        prefetch.Offer(h.CratesIo, "serde", first);
        prefetch.Offer(h.CratesIo, "serde", first); // the next hit on the same copy
        await IdleAsync(prefetch);
        Assert.Equal(["crates-io/serde@1.0.1"], recorder.Asked);

        prefetch.Offer(h.CratesIo, "serde", File("1.0.0", "1.0.1", "1.1.0")); // the copy after a fetch that brought a release
        await IdleAsync(prefetch);
        Assert.Equal(["crates-io/serde@1.0.1", "crates-io/serde@1.1.0"], recorder.Asked);
    }

    [Fact]
    public async Task Downloads_wait_while_clients_are_still_reading_index_files()
    {
        var h = Harness();
        var recorder = new Recorder();
        await using var prefetch = recorder.Prefetch(h.Time);
        var asked = recorder.Asked;
        var step = ProxyCratePrefetch.ResolveQuiet / 3 * 2;

        // Two workers each hold one file and wait on the clock; the test moves it only once both wait.
        var bothWait = TimeSpan.FromSeconds(30);
        prefetch.Offer(h.CratesIo, "serde", File("1.0.0"));
        await h.Time.WhenScheduledAsync().WaitAsync(bothWait);
        h.Time.Advance(step);
        prefetch.Offer(h.CratesIo, "log", File("0.4.0")); // the resolve goes on
        await h.Time.WhenScheduledAsync(2).WaitAsync(bothWait);
        h.Time.Advance(step); // past serde's first wait, not past the quiet after "log": serde waits again
        await h.Time.WhenScheduledAsync(2).WaitAsync(bothWait);
        Assert.Empty(asked);

        h.Time.Advance(ProxyCratePrefetch.ResolveQuiet);
        await IdleAsync(prefetch);
        Assert.Equal(["crates-io/log@0.4.0", "crates-io/serde@1.0.0"], asked.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Clients_that_never_pause_hold_a_download_back_for_at_most_the_longest_wait()
    {
        var h = Harness();
        var recorder = new Recorder();
        await using var prefetch = recorder.Prefetch(h.Time);
        var asked = recorder.Asked;
        var waits = (int)Math.Ceiling(ProxyCratePrefetch.MaxQuietWait / ProxyCratePrefetch.ResolveQuiet);

        var serde = File("1.0.0");
        prefetch.Offer(h.CratesIo, "serde", serde);
        var almost = ProxyCratePrefetch.ResolveQuiet - TimeSpan.FromTicks(1);
        for (var i = 0; i < waits; i++)
        {
            await h.Time.WhenScheduledAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Empty(asked);
            h.Time.Advance(almost);
            prefetch.Offer(h.CratesIo, "serde", serde); // the next read (a hit on the same copy): the reads go on
            h.Time.Advance(TimeSpan.FromTicks(1)); // the wait ends with a read a tick ago
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!asked.Contains("crates-io/serde@1.0.0"))
        {
            Assert.True(DateTime.UtcNow < deadline, "serde was never fetched although the longest wait had passed");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task A_stop_drops_a_download_still_waiting_for_the_reads_to_pause()
    {
        var h = Harness();
        var recorder = new Recorder();
        var prefetch = recorder.Prefetch(h.Time);
        var asked = recorder.Asked;

        prefetch.Offer(h.CratesIo, "serde", File("1.0.0"));
        await h.Time.WhenScheduledAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await prefetch.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)); // the clock never moves: the wait must end by itself

        Assert.Empty(asked);
        Assert.Equal(0, prefetch.Outstanding);
    }

    [Fact]
    public async Task Nothing_is_fetched_when_the_upstream_turns_it_off_or_the_file_lists_no_release()
    {
        var recorder = new Recorder();
        await using var prefetch = recorder.Prefetch();

        prefetch.Offer(Harness(prefetchCrates: false).CratesIo, "serde", File("1.0.0"));
        prefetch.Offer(Harness().CratesIo, "serde", File("1.0.0-rc.1"));
        await IdleAsync(prefetch);

        Assert.Empty(recorder.Asked);
    }

    [Fact]
    public async Task A_failed_fetch_is_only_a_lost_guess_and_the_next_file_is_still_fetched()
    {
        var asked = new ConcurrentQueue<string>();
        await using var prefetch = new ProxyCratePrefetch((_, name, version, _) =>
        {
            asked.Enqueue($"{name}@{version}");
            return name == "broken" ? Task.FromException(new HttpRequestException("upstream down")) : Task.CompletedTask;
        }, NullLogger.Instance);
        var h = Harness();

        prefetch.Offer(h.CratesIo, "broken", File("1.0.0"));
        await IdleAsync(prefetch);
        prefetch.Offer(h.CratesIo, "serde", File("1.0.0"));
        await IdleAsync(prefetch);

        Assert.Equal(["broken@1.0.0", "serde@1.0.0"], asked);
    }

    [Fact]
    public async Task The_real_fetch_stores_the_newest_release_as_a_client_download_would()
    {
        // Through the download service, as the host's constructor wires it (policy and quarantine aside): the upstream
        // is asked for the .crate once, its checksum checked, and a client's download is then a hit.
        var crate = Encoding.UTF8.GetBytes("crate bytes");
        var cksum = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(crate));
        var line = $"{{\"name\":\"serde\",\"vers\":\"1.0.1\",\"deps\":[],\"cksum\":\"{cksum}\",\"features\":{{}},\"yanked\":false}}\n";
        var h = new ProxyHarness(new ScriptedUpstream(request => request.RequestUri!.AbsolutePath.EndsWith("/download", StringComparison.Ordinal)
            ? ScriptedUpstream.Body("crate bytes")
            : ScriptedUpstream.Body(line, "\"serde\"")), downloadUrl: "http://upstream.test/api/v1/crates/{crate}/{version}/download");
        await using var prefetch = new ProxyCratePrefetch(async (upstream, name, version, ct) =>
        {
            var fetched = await h.Downloads.OpenAsync(upstream, name, version, ct);
            if (fetched.Content is { } content) await content.Stream.DisposeAsync();
        }, NullLogger.Instance);

        var index = await h.GetAsync("serde");
        prefetch.Offer(h.CratesIo, "serde", index.File!.Content);
        await IdleAsync(prefetch);
        await h.StoredAsync();

        var hits = h.CratesIo.Stats.Peek().CrateHits;
        var download = await h.Downloads.OpenAsync(h.CratesIo, "serde", "1.0.1", CancellationToken.None);
        Assert.Equal(ProxyDownloadStatus.Found, download.Status);
        await download.Content!.Stream.DisposeAsync();
        Assert.Equal(1, h.Upstream.Requests.Count(r => r.RequestUri!.AbsolutePath.EndsWith("/download", StringComparison.Ordinal)));
        Assert.Equal(hits + 1, h.CratesIo.Stats.Peek().CrateHits);
    }
}
