using System.Net;
using System.Text;
using GhostCrate.Core.Proxy;

namespace GhostCrate.Core.Tests.Proxy;

public class ProxyIndexServiceTests
{
    private const string V1 = "{\"name\":\"serde\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"aa\",\"features\":{},\"yanked\":false}\n";
    private const string V2 = V1 + "{\"name\":\"serde\",\"vers\":\"1.0.1\",\"deps\":[],\"cksum\":\"bb\",\"features\":{},\"yanked\":false}\n";
    private const string Date = "Sun, 01 Mar 2026 11:00:00 GMT";

    [Fact]
    public async Task A_fresh_entry_is_served_without_asking_the_upstream()
    {
        var h = new ProxyHarness(new ScriptedUpstream(_ => ScriptedUpstream.Body(V1, "\"u1\"", Date)), ttl: TimeSpan.FromMinutes(1));

        var first = await h.GetAsync("serde");
        h.Time.Advance(TimeSpan.FromSeconds(59));
        var second = await h.GetAsync("serde");

        Assert.Equal(ProxyIndexStatus.Found, first.Status);
        Assert.Equal(V1, Encoding.UTF8.GetString(second.File!.Content));
        Assert.Single(h.Upstream.Requests);
        var counters = h.CratesIo.Stats.Peek();
        Assert.Equal(1, counters.IndexMisses);
        Assert.Equal(1, counters.IndexHits);
    }

    [Fact]
    public async Task A_stale_entry_is_revalidated_with_the_upstream_validators_and_a_304_only_restarts_the_ttl()
    {
        var notModified = false;
        var h = new ProxyHarness(new ScriptedUpstream(_ => notModified
            ? new HttpResponseMessage(HttpStatusCode.NotModified)
            : ScriptedUpstream.Body(V1, "\"u1\"", Date)));
        var first = await h.GetAsync("serde");
        notModified = true;

        h.Time.Advance(TimeSpan.FromMinutes(2));
        var revalidated = await h.GetAsync("serde");
        h.Time.Advance(TimeSpan.FromSeconds(30));
        var fresh = await h.GetAsync("serde");

        var conditional = h.Upstream.Requests.ElementAt(1);
        Assert.Equal("\"u1\"", conditional.Headers.IfNoneMatch.Single().ToString());
        Assert.Equal(Date, conditional.Headers.GetValues("If-Modified-Since").Single());
        Assert.Equal(2, h.Upstream.Requests.Count);
        Assert.Equal(V1, Encoding.UTF8.GetString(revalidated.File!.Content));
        Assert.Equal(first.File!.ETag, fresh.File!.ETag);
        Assert.Equal(first.File.LastModified, fresh.File.LastModified);
        await h.StoredAsync();
        Assert.Equal(ProxyHarness.Start + TimeSpan.FromMinutes(2), h.Cache.Files[("crates-io", "serde")].FetchedAt);
        var counters = h.CratesIo.Stats.Peek();
        Assert.Equal(1, counters.Revalidations);
        Assert.Equal(1, counters.NotModified);
    }

    [Fact]
    public async Task Changed_content_gets_a_new_etag_and_last_modified_unchanged_content_keeps_them()
    {
        var body = V1;
        var h = new ProxyHarness(new ScriptedUpstream(_ => ScriptedUpstream.Body(body)), ttl: TimeSpan.Zero);
        var first = (await h.GetAsync("serde")).File!;

        h.Time.Advance(TimeSpan.FromMinutes(5));
        var same = (await h.GetAsync("serde")).File!;
        body = V2;
        h.Time.Advance(TimeSpan.FromMinutes(5));
        var changed = (await h.GetAsync("serde")).File!;

        Assert.Equal(first.ETag, same.ETag);
        Assert.Equal(first.LastModified, same.LastModified);
        Assert.NotEqual(first.ETag, changed.ETag);
        Assert.Equal(ProxyHarness.Start + TimeSpan.FromMinutes(10), changed.LastModified);
        Assert.Equal(V2, Encoding.UTF8.GetString(changed.Content));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Stale_if_error_serves_the_last_good_copy_and_records_the_failure(HttpStatusCode failure)
    {
        var down = false;
        var h = new ProxyHarness(new ScriptedUpstream(_ => down ? new HttpResponseMessage(failure) : ScriptedUpstream.Body(V1, "\"u1\"")));
        await h.GetAsync("serde");
        down = true;
        h.Time.Advance(TimeSpan.FromMinutes(2));

        var result = await h.GetAsync("serde");

        Assert.Equal(ProxyIndexStatus.Found, result.Status);
        Assert.True(result.Stale);
        Assert.Equal(V1, Encoding.UTF8.GetString(result.File!.Content));
        var counters = h.CratesIo.Stats.Peek();
        Assert.Equal(1, counters.StaleServed);
        Assert.Equal(1, counters.Errors);
        Assert.Contains(((int)failure).ToString(), counters.LastError);
        Assert.True(counters.LastErrorAt > counters.LastSuccessAt);
        // The failed revalidation did not restart the TTL: the next request asks again.
        await h.StoredAsync();
        Assert.Equal(ProxyHarness.Start, h.Cache.Files[("crates-io", "serde")].FetchedAt);
    }

    [Fact]
    public async Task Stale_if_error_covers_an_unreachable_upstream()
    {
        var down = false;
        var h = new ProxyHarness(new ScriptedUpstream(_ => down ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused") : ScriptedUpstream.Body(V1)));
        await h.GetAsync("serde");
        down = true;
        h.Time.Advance(TimeSpan.FromMinutes(2));

        var result = await h.GetAsync("serde");

        Assert.True(result.Stale);
        Assert.Contains("Connection refused", h.CratesIo.Stats.Peek().LastError);
    }

    [Fact]
    public async Task Without_a_cached_copy_an_upstream_failure_is_unavailable()
    {
        var h = new ProxyHarness(new ScriptedUpstream(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")));
        var result = await h.GetAsync("serde");
        Assert.Equal(ProxyIndexStatus.Unavailable, result.Status);
        Assert.Contains("Connection refused", result.Error);
        Assert.Empty(h.Cache.Files);
    }

    [Fact]
    public async Task An_upstream_that_hangs_is_cut_off_at_the_request_timeout()
    {
        var h = new ProxyHarness(new ScriptedUpstream(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }), requestTimeout: TimeSpan.FromSeconds(10));

        var pending = h.GetAsync("serde");
        await Until(() => !h.Upstream.Requests.IsEmpty);
        h.Time.Advance(TimeSpan.FromSeconds(10));
        var result = await pending.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(ProxyIndexStatus.Unavailable, result.Status);
        Assert.Contains("did not answer within 10 s", result.Error);
    }

    [Fact]
    public async Task A_crate_removed_upstream_is_dropped_from_the_cache()
    {
        var gone = false;
        var h = new ProxyHarness(new ScriptedUpstream(_ => gone ? new HttpResponseMessage(HttpStatusCode.NotFound) : ScriptedUpstream.Body(V1)), ttl: TimeSpan.Zero);
        await h.GetAsync("serde");
        gone = true;
        h.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(ProxyIndexStatus.NotFound, (await h.GetAsync("serde")).Status);
        Assert.Empty(h.Cache.Files);
        Assert.Null(h.CratesIo.Stats.Peek().LastError);
    }

    [Fact]
    public async Task Concurrent_refreshes_of_one_file_share_one_upstream_request()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var h = new ProxyHarness(new ScriptedUpstream(async (_, _) =>
        {
            await gate.Task;
            return ScriptedUpstream.Body(V1);
        }));

        var requests = Enumerable.Range(0, 20).Select(_ => h.GetAsync("serde")).ToList();
        await Until(() => !h.Upstream.Requests.IsEmpty);
        gate.SetResult();
        var results = await Task.WhenAll(requests);

        Assert.All(results, r => Assert.Equal(ProxyIndexStatus.Found, r.Status));
        Assert.Single(h.Upstream.Requests);
    }

    [Fact]
    public async Task A_cold_file_is_asked_for_upstream_on_the_requesting_thread()
    {
        // The one caller of a cold file runs the refresh itself: no hand-off to another thread and back per file.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int? askedOn = null;
        var h = new ProxyHarness(new ScriptedUpstream(async (_, _) =>
        {
            askedOn ??= Environment.CurrentManagedThreadId;
            await gate.Task;
            return ScriptedUpstream.Body(V1);
        }));

        var caller = Environment.CurrentManagedThreadId;
        var pending = h.GetAsync("serde");
        Assert.Equal(caller, askedOn);
        gate.SetResult();
        Assert.Equal(ProxyIndexStatus.Found, (await pending).Status);
    }

    [Fact]
    public async Task Names_are_looked_up_lowercase()
    {
        var h = new ProxyHarness(new ScriptedUpstream(_ => ScriptedUpstream.Body(V1)));
        await h.GetAsync("Serde");
        Assert.Equal("/index/se/rd/serde", h.Upstream.Requests.Single().RequestUri!.AbsolutePath);
        await h.StoredAsync();
        Assert.True(h.Cache.Files.ContainsKey(("crates-io", "serde")));
    }

    internal static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met before the deadline");
            await Task.Delay(10);
        }
    }
}
