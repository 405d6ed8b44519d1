using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests;

/// <summary>The pull-through proxy between two real GhostCrates: U (the upstream) and P (the proxy, mount /crates-io/).</summary>
public class ProxyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Config_points_downloads_and_api_at_the_proxy()
    {
        await using var pair = await ProxyPair.StartAsync();
        var config = await Json.ReadAsync(await pair.Proxy.Client().GetAsync("/crates-io/index/config.json"));
        var root = pair.Proxy.BaseAddress.AbsoluteUri.TrimEnd('/') + "/crates-io";
        Assert.Equal(root + "/api/v1/crates", config.GetProperty("dl").GetString());
        Assert.Equal(root, config.GetProperty("api").GetString());
        // Starting P and serving its own config.json never contacts the upstream.
        Assert.Equal(0, pair.Control.TotalRequests);
    }

    [Fact]
    public async Task Index_files_are_proxied_with_our_own_validators_and_answer_304()
    {
        await using var pair = await ProxyPair.StartAsync();
        await pair.PublishUpstreamAsync("demo", "1.0.0");
        var upstream = await (await pair.Upstream.Client().GetAsync("/index/de/mo/demo")).Content.ReadAsStringAsync();

        var first = await pair.Proxy.Client().GetAsync("/crates-io/index/de/mo/demo");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(upstream, await first.Content.ReadAsStringAsync());
        var etag = first.Headers.ETag!;
        Assert.NotNull(first.Content.Headers.LastModified);

        var conditional = new HttpRequestMessage(HttpMethod.Get, "/crates-io/index/de/mo/demo");
        conditional.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await pair.Proxy.Client().SendAsync(conditional)).StatusCode);

        var byDate = new HttpRequestMessage(HttpMethod.Get, "/crates-io/index/de/mo/demo");
        byDate.Headers.IfModifiedSince = first.Content.Headers.LastModified;
        Assert.Equal(HttpStatusCode.NotModified, (await pair.Proxy.Client().SendAsync(byDate)).StatusCode);

        var missing = await pair.Proxy.Client().GetAsync("/crates-io/index/no/ne/nonexistent");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("does not exist in upstream `crates-io`", await Json.ErrorDetailAsync(missing));

        using var head = await pair.Proxy.Client().SendAsync(new HttpRequestMessage(HttpMethod.Head, "/crates-io/index/de/mo/demo"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(etag, head.Headers.ETag);
        Assert.Equal(first.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_new_upstream_version_shows_up_after_revalidation()
    {
        await using var pair = await ProxyPair.StartAsync();
        await pair.PublishUpstreamAsync("growing", "1.0.0");
        var before = await pair.Proxy.Client().GetAsync("/crates-io/index/gr/ow/growing");
        await pair.PublishUpstreamAsync("growing", "1.1.0");

        var after = await pair.Proxy.Client().GetAsync("/crates-io/index/gr/ow/growing");

        Assert.Equal(2, (await after.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
    }

    [Fact]
    public async Task Downloads_are_fetched_once_then_served_from_the_cache_even_when_the_upstream_is_down()
    {
        await using var pair = await ProxyPair.StartAsync();
        var crate = await pair.PublishUpstreamAsync("cached", "1.0.0");

        var first = await pair.Proxy.Client().GetAsync("/crates-io/api/v1/crates/cached/1.0.0/download");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(crate, await first.Content.ReadAsByteArrayAsync());
        // Stored behind the answer (ProxyWriteBehind).
        await pair.Proxy.Services.GetRequiredService<Core.Proxy.ProxyWriteBehind>().WhenIdleAsync();
        Assert.Contains("proxy/crates-io/cached/cached-1.0.0.crate", pair.Proxy.BlobFiles());

        pair.Control.Down = true;
        var again = await pair.Proxy.Client().GetAsync("/crates-io/api/v1/crates/cached/1.0.0/download");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(crate, await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, pair.Control.DownloadsOf("cached", "1.0.0"));

        // The index file is served from the last good copy while the upstream is down (stale-if-error).
        var index = await pair.Proxy.Client().GetAsync("/crates-io/index/ca/ch/cached");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("stale", index.Headers.GetValues("X-GhostCrate-Cache").Single());
    }

    [Fact]
    public async Task A_crate_never_fetched_fails_clearly_while_the_upstream_is_down()
    {
        await using var pair = await ProxyPair.StartAsync();
        await pair.PublishUpstreamAsync("unseen", "1.0.0");
        pair.Control.Down = true;

        var index = await pair.Proxy.Client().GetAsync("/crates-io/index/un/se/unseen");
        var download = await pair.Proxy.Client().GetAsync("/crates-io/api/v1/crates/unseen/1.0.0/download");

        Assert.Equal(HttpStatusCode.BadGateway, index.StatusCode);
        Assert.Contains("is not in GhostCrate's cache of `crates-io` and the upstream cannot be reached", await Json.ErrorDetailAsync(index));
        Assert.Equal(HttpStatusCode.BadGateway, download.StatusCode);
        Assert.Contains("unavailable", await Json.ErrorDetailAsync(download));
    }

    [Fact]
    public async Task Fifty_simultaneous_downloads_of_an_uncached_crate_cause_one_upstream_fetch()
    {
        await using var pair = await ProxyPair.StartAsync();
        var crate = await pair.PublishUpstreamAsync("popular", "2.0.0");
        pair.Control.HoldDownloads();

        var client = pair.Proxy.Client();
        var requests = Enumerable.Range(0, 50).Select(_ => client.GetAsync("/crates-io/api/v1/crates/popular/2.0.0/download")).ToList();
        await Until(() => pair.Control.DownloadsOf("popular", "2.0.0") >= 1);
        pair.Control.ReleaseDownloads();
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses) Assert.Equal(crate, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, pair.Control.DownloadsOf("popular", "2.0.0"));
    }

    [Fact]
    public async Task A_crate_whose_bytes_do_not_match_the_index_checksum_is_refused_and_not_stored()
    {
        await using var pair = await ProxyPair.StartAsync();
        await pair.PublishUpstreamAsync("tampered", "1.0.0");
        // Corrupt U's stored file: it now serves bytes its own index does not vouch for.
        var stored = Path.Combine(pair.Upstream.DataDir, "blobs", "crates", "tampered", "tampered-1.0.0.crate");
        await File.WriteAllBytesAsync(stored, CrateFileBuilder.Valid("tampered", "1.0.0").File("tampered-1.0.0/evil.rs", "// injected").BuildCrate());

        var response = await pair.Proxy.Client().GetAsync("/crates-io/api/v1/crates/tampered/1.0.0/download");
        var again = await pair.Proxy.Client().GetAsync("/crates-io/api/v1/crates/tampered/1.0.0/download");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var detail = await Json.ErrorDetailAsync(response);
        Assert.Contains("sha256", detail);
        Assert.Contains("not stored or served", detail);
        Assert.Equal(HttpStatusCode.BadGateway, again.StatusCode);
        Assert.DoesNotContain(pair.Proxy.BlobFiles(), f => f.Contains("tampered", StringComparison.Ordinal));
        Assert.Equal(2, pair.Control.DownloadsOf("tampered", "1.0.0"));
        var status = await pair.StatusAsync();
        Assert.Equal(2, status.GetProperty("counters").GetProperty("checksumMismatches").GetInt64());
        Assert.Equal(0, status.GetProperty("cache").GetProperty("crateFiles").GetInt64());
    }

    [Fact]
    public async Task Status_reflects_an_outage_and_the_recovery()
    {
        await using var pair = await ProxyPair.StartAsync();
        await pair.PublishUpstreamAsync("watched", "1.0.0");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await pair.StatusAsync()).GetProperty("reachable").ValueKind);

        Assert.Equal(HttpStatusCode.OK, (await pair.Proxy.Client().GetAsync("/crates-io/index/wa/tc/watched")).StatusCode);
        var healthy = await pair.StatusAsync();
        Assert.True(healthy.GetProperty("reachable").GetBoolean());
        Assert.Equal(1, healthy.GetProperty("counters").GetProperty("indexMisses").GetInt64());
        Assert.Equal(1, healthy.GetProperty("cache").GetProperty("indexFiles").GetInt64());

        pair.Control.Down = true;
        Assert.Equal(HttpStatusCode.OK, (await pair.Proxy.Client().GetAsync("/crates-io/index/wa/tc/watched")).StatusCode);
        var outage = await pair.StatusAsync();
        Assert.False(outage.GetProperty("reachable").GetBoolean());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, outage.GetProperty("lastError").ValueKind);
        Assert.Equal(1, outage.GetProperty("counters").GetProperty("staleServed").GetInt64());
        Assert.True(outage.GetProperty("counters").GetProperty("errors").GetInt64() >= 1);

        pair.Control.Down = false;
        var recovered = await pair.StatusAsync(probe: true);
        Assert.True(recovered.GetProperty("reachable").GetBoolean());
    }

    [Fact]
    public async Task Search_is_proxied_and_private_search_can_include_upstream_hits()
    {
        await using var pair = await ProxyPair.StartAsync(new() { ["Proxy:Upstreams:crates-io:IncludeInSearch"] = "true" });
        await pair.PublishUpstreamAsync("findme-public", "1.0.0");
        var privateCrate = CrateFileBuilder.Valid("findme-private", "1.0.0");
        Assert.Equal(HttpStatusCode.OK, (await pair.Proxy.PublishAsync(privateCrate.PublishBody())).StatusCode);

        var proxied = await Json.ReadAsync(await pair.Proxy.Client().GetAsync("/crates-io/api/v1/crates?q=findme"));
        Assert.Equal(["findme-public"], proxied.GetProperty("crates").EnumerateArray().Select(c => c.GetProperty("name").GetString()));

        var mixed = await Json.ReadAsync(await pair.Proxy.Client().GetAsync("/api/v1/crates?q=findme"));
        var crates = mixed.GetProperty("crates").EnumerateArray().ToList();
        Assert.Equal(["findme-private", "findme-public"], crates.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal("crates-io", crates[1].GetProperty("registry").GetString());
        Assert.StartsWith("[from crates-io]", crates[1].GetProperty("description").GetString());
        Assert.Equal(2, mixed.GetProperty("meta").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Publishing_a_private_crate_under_an_upstream_name_is_refused_with_the_reason()
    {
        await using var pair = await ProxyPair.StartAsync();
        await pair.PublishUpstreamAsync("taken-name", "1.0.0");

        var refused = await pair.Proxy.PublishAsync(CrateFileBuilder.Valid("taken-name", "0.1.0").PublishBody());
        var underscore = await pair.Proxy.PublishAsync(CrateFileBuilder.Valid("taken_name", "0.1.0").PublishBody());
        var free = await pair.Proxy.PublishAsync(CrateFileBuilder.Valid("free-name", "0.1.0").PublishBody());

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var detail = await Json.ErrorDetailAsync(refused);
        Assert.Contains("dependency confusion", detail);
        Assert.Contains("Proxy:AllowPrivateNamesThatExistUpstream", detail);
        Assert.Equal(HttpStatusCode.Conflict, underscore.StatusCode);
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
        Assert.DoesNotContain(pair.Proxy.BlobFiles(), f => f.StartsWith("crates/taken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_guard_fails_closed_when_the_upstream_is_unreachable_unless_allowed()
    {
        await using var pair = await ProxyPair.StartAsync();
        pair.Control.Down = true;
        var refused = await pair.Proxy.PublishAsync(CrateFileBuilder.Valid("while-down", "0.1.0").PublishBody());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("Proxy:AllowPublishWhenUpstreamUnreachable", await Json.ErrorDetailAsync(refused));

        await using var lenient = await TestApp.StartAsync(new(ProxyPair.ProxySettings(pair.Upstream.BaseAddress))
        {
            ["Proxy:AllowPublishWhenUpstreamUnreachable"] = "true",
        });
        Assert.Equal(HttpStatusCode.OK, (await lenient.PublishAsync(CrateFileBuilder.Valid("while-down", "0.1.0").PublishBody())).StatusCode);
    }

    [Fact]
    public async Task The_guard_can_be_switched_off()
    {
        await using var pair = await ProxyPair.StartAsync(new() { ["Proxy:AllowPrivateNamesThatExistUpstream"] = "true" });
        await pair.PublishUpstreamAsync("shared-name", "1.0.0");
        Assert.Equal(HttpStatusCode.OK, (await pair.Proxy.PublishAsync(CrateFileBuilder.Valid("shared-name", "0.1.0").PublishBody())).StatusCode);
    }

    [Fact]
    public async Task Warming_from_names_and_a_lockfile_lets_downloads_work_offline()
    {
        await using var pair = await ProxyPair.StartAsync();
        var a = await pair.PublishUpstreamAsync("warm-a", "1.0.0");
        await pair.PublishUpstreamAsync("warm-a", "1.1.0");
        var b = await pair.PublishUpstreamAsync("warm-b", "0.3.0");
        const string cargoLock = """
            version = 4

            [[package]]
            name = "app"
            version = "0.1.0"

            [[package]]
            name = "warm-b"
            version = "0.3.0"
            source = "registry+https://github.com/rust-lang/crates.io-index"

            [[package]]
            name = "elsewhere"
            version = "1.0.0"
            source = "sparse+https://other.example/index/"
            """;

        var response = await pair.WarmAsync(new { crates = new[] { "warm-a@1.0.0", "warm-a" }, cargoLock });
        var report = await Json.ReadAsync(response);
        Assert.True(response.IsSuccessStatusCode, report.ToString());
        Assert.True(report.GetProperty("succeeded").GetBoolean(), report.ToString());
        var items = report.GetProperty("items").EnumerateArray().Select(i => $"{i.GetProperty("crate").GetString()}@{i.GetProperty("version").GetString()}:{i.GetProperty("status").GetString()}").Order().ToList();
        Assert.Equal(["warm-a@1.0.0:Fetched", "warm-a@1.1.0:Fetched", "warm-b@0.3.0:Fetched"], items);
        // Answered once the files are stored, not only fetched (ProxyWriteBehind).
        Assert.Contains("proxy/crates-io/warm-b/warm-b-0.3.0.crate", pair.Proxy.BlobFiles());

        var audit = await Json.ReadAsync(await pair.Proxy.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/audit?action=proxy.warmed"));
        Assert.Equal("proxy:crates-io", Assert.Single(audit.GetProperty("events").EnumerateArray()).GetProperty("target").GetString());

        pair.Control.Down = true;
        var offlineA = await pair.Proxy.Client().GetAsync("/crates-io/api/v1/crates/warm-a/1.0.0/download");
        var offlineB = await pair.Proxy.Client().GetAsync("/crates-io/api/v1/crates/warm-b/0.3.0/download");
        Assert.Equal(a, await offlineA.Content.ReadAsByteArrayAsync());
        Assert.Equal(b, await offlineB.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, (await pair.Proxy.Client().GetAsync("/crates-io/index/wa/rm/warm-b")).StatusCode);
    }

    [Fact]
    public async Task Warming_reports_missing_crates_and_rejects_bad_requests()
    {
        await using var pair = await ProxyPair.StartAsync();
        var report = await Json.ReadAsync(await pair.WarmAsync(new { crates = new[] { "no-such-crate" } }));
        Assert.False(report.GetProperty("succeeded").GetBoolean());
        Assert.Equal("NotFound", report.GetProperty("items")[0].GetProperty("status").GetString());

        var bad = await pair.WarmAsync(new { crates = new[] { "../etc" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);

        var anonymous = await pair.Proxy.Client().PostAsync("/api/v1/admin/proxy/crates-io/warm", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var userToken = await Users.CreateWithTokenAsync(pair.Proxy, "not-an-admin");
        var forbidden = await pair.Proxy.Client(userToken).GetAsync("/api/v1/admin/proxy/status");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Mounts_are_read_only()
    {
        await using var pair = await ProxyPair.StartAsync();
        var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var publish = await pair.Proxy.Client(TestApp.AdminToken).PutAsync("/crates-io/api/v1/crates/new", content);
        Assert.Equal(HttpStatusCode.NotFound, publish.StatusCode);
        Assert.Contains("read-only mirror", await Json.ErrorDetailAsync(publish));
    }

    [Fact]
    public async Task Without_Proxy_Enabled_there_is_no_mount()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/crates-io/index/config.json")).StatusCode);
        var status = await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/proxy/status"));
        Assert.False(status.GetProperty("enabled").GetBoolean());
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met before the deadline");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task The_upstream_http_client_gives_up_only_after_the_gateways_deadline()
    {
        // The gateway's deadline decides "did not answer within" (status, breaker); an HttpClient timeout equal to it
        // raced it and sometimes turned a timeout into a transport error in the proxy status.
        await using var pair = await ProxyPair.StartAsync();
        var options = pair.Proxy.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Core.Options.ProxyOptions>>().Value;
        var factory = pair.Proxy.Services.GetRequiredService<IHttpClientFactory>();
        Assert.NotEmpty(options.EffectiveUpstreams());
        foreach (var (name, upstream) in options.EffectiveUpstreams())
        {
            using var client = factory.CreateClient(Core.Proxy.UpstreamDefinition.From(name, upstream).HttpClientName);
            Assert.True(client.Timeout > upstream.RequestTimeout, $"{name}: HttpClient.Timeout {client.Timeout} is not past the deadline {upstream.RequestTimeout}");
        }
    }
}
