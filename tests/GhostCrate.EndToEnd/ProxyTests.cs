using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The pull-through proxy with the real cargo: crates published to U (playing crates.io) build through P with only
/// `[source.crates-io] replace-with`, private crates on P may depend on them, and P refuses private names that U has.
/// </summary>
public sealed class ProxyTests(ProxyPairFixture fixture) : ProxyEndToEndTest(fixture), IClassFixture<ProxyPairFixture>
{
    [Fact]
    public async Task A_consumer_builds_through_the_proxy_with_only_a_source_replacement()
    {
        var id = Ids.New();
        var publisher = PublisherToUpstream();
        var leaf = await publisher.NewLibAsync($"leaf-{id}", "1.2.0", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn leaf() -> u32 { 5 }\n" });
        await publisher.PublishOkAsync(leaf);
        var top = await publisher.NewLibAsync($"top-{id}", "1.0.0",
            dependencies: $"{leaf.Name} = {{ version = \"1\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn top() -> u32 {{ {leaf.RustName}::leaf() * 2 }}\n" });
        await publisher.PublishOkAsync(top);

        var consumer = await ConsumerOfProxyAsync();
        var (project, build) = await BuildConsumerAsync(consumer, $"app-{id}", $"{top.Name} = \"1\"", $"{top.RustName}::top()");

        Assert.True(build.Succeeded, build.Describe());
        Assert.Equal("1.2.0", CargoSandbox.LockedVersion(project, leaf.Name));
        // Cargo records the crates as crates.io packages: the lockfile stays valid without the mirror.
        Assert.Contains("source = \"registry+https://github.com/rust-lang/crates.io-index\"", await File.ReadAllTextAsync(project.LockPath, Cancel));
        var upstreamIndex = await Upstream.Http.GetIndexFileAsync(top.Name, cancellationToken: Cancel);
        var proxiedIndex = await Proxy.Http.GetAsync($"crates-io/index/{RegistryClient.IndexPath(top.Name)}", cancellationToken: Cancel);
        Assert.Equal(upstreamIndex.Body, proxiedIndex.Body);
    }

    [Fact]
    public async Task A_private_crate_depending_on_a_public_crate_builds_through_the_mirror()
    {
        var id = Ids.New();
        var publisher = PublisherToUpstream();
        var pub = await publisher.NewLibAsync($"public-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn public() -> u32 { 40 }\n" });
        await publisher.PublishOkAsync(pub);

        // Published to P's private registry; cargo verifies the package by building it, fetching the public crate via P.
        var author = await ConsumerOfProxyAsync(Proxy.AdminToken);
        var priv = await author.NewLibAsync($"private-{id}", dependencies: $"{pub.Name} = \"0.1\"",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn private() -> u32 {{ {pub.RustName}::public() + 2 }}\n" });
        await author.PublishOkAsync(priv);
        var line = Assert.Single(await Proxy.Http.GetIndexEntriesAsync(priv.Name, cancellationToken: Cancel));
        var dep = Assert.Single(line["deps"]!.AsArray())!.AsObject();
        Assert.Equal("https://github.com/rust-lang/crates.io-index", dep["registry"]?.GetValue<string>());

        var consumer = await ConsumerOfProxyAsync();
        var (_, build) = await BuildConsumerAsync(consumer, $"app-{id}", $"{priv.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}", $"{priv.RustName}::private()");

        Assert.True(build.Succeeded, build.Describe());
    }

    [Fact]
    public async Task Publishing_a_private_crate_under_a_name_the_upstream_has_is_refused()
    {
        var id = Ids.New();
        var publisher = PublisherToUpstream();
        var taken = await publisher.NewLibAsync($"taken-{id}");
        await publisher.PublishOkAsync(taken, verify: false);

        var author = await ConsumerOfProxyAsync(Proxy.AdminToken);
        var copy = await author.NewLibAsync($"taken-{id}", "0.9.0");
        var result = await author.PublishAsync(copy, verify: false);

        Assert.False(result.Succeeded, result.Describe());
        Assert.Contains("dependency confusion", result.StdErr);
        Assert.Contains("Proxy:AllowPrivateNamesThatExistUpstream", result.StdErr);
        var index = await Proxy.Http.GetIndexFileAsync(copy.Name, cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.NotFound, index.Status);
    }

    [Fact]
    public async Task Fifty_simultaneous_downloads_of_an_uncached_crate_reach_the_upstream_once()
    {
        var id = Ids.New();
        var publisher = PublisherToUpstream();
        var hot = await publisher.NewLibAsync($"hot-{id}");
        await publisher.PublishOkAsync(hot, verify: false);
        var marker = await publisher.NewLibAsync($"marker-{id}");
        await publisher.PublishOkAsync(marker, verify: false);
        var cksum = (await Upstream.Http.GetIndexEntriesAsync(hot.Name, cancellationToken: Cancel)).Single()["cksum"]!.GetValue<string>();

        var downloads = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            Proxy.Http.Raw.GetAsync($"crates-io/api/v1/crates/{hot.Name}/0.1.0/download", Cancel)));

        foreach (var response in downloads)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(cksum, Convert.ToHexStringLower(SHA256.HashData(await response.Content.ReadAsByteArrayAsync(Cancel))));
        }

        // U counts every download it serves (the crates.io `downloads` field) in memory and writes the counts in batches
        // about once a second. A download of another crate after all 50 answers is a marker: once its count is written,
        // every download U served before it is written too, so the count of `hot` is final.
        using (var direct = await Upstream.Http.Raw.GetAsync($"api/v1/crates/{marker.Name}/0.1.0/download", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await DownloadsAtUpstreamAsync(marker.Name) < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "U never wrote the marker's download count");
            await Task.Delay(100, Cancel);
        }

        Assert.Equal(1, await DownloadsAtUpstreamAsync(hot.Name));
    }

    [Fact]
    public async Task A_crate_too_large_for_memory_is_spooled_stored_and_served_whole()
    {
        // Over CrateSpool.MemoryLimit (1 MiB) once gzipped: random base64 compresses to about three quarters. P answers
        // a cold download on the socket event thread that receives U's answer; a file this size must leave that
        // thread to be spooled to disk and stored before the answer, and still arrive whole, for every waiter.
        var id = Ids.New();
        var publisher = PublisherToUpstream();
        var big = await publisher.NewLibAsync($"big-{id}", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "pub fn big() -> usize { include_str!(\"blob.txt\").len() }\n",
            ["src/blob.txt"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(2 * 1024 * 1024)),
        });
        await publisher.PublishOkAsync(big, verify: false);
        var cksum = (await Upstream.Http.GetIndexEntriesAsync(big.Name, cancellationToken: Cancel)).Single()["cksum"]!.GetValue<string>();
        var path = $"crates-io/api/v1/crates/{big.Name}/0.1.0/download";

        var cold = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Proxy.Http.Raw.GetAsync(path, Cancel)));
        using var cached = await Proxy.Http.Raw.GetAsync(path, Cancel);

        foreach (var response in cold.Append(cached))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsByteArrayAsync(Cancel);
            Assert.True(body.Length > 1024 * 1024, $"the crate is {body.Length} bytes, not larger than the spool's memory");
            Assert.Equal(cksum, Convert.ToHexStringLower(SHA256.HashData(body)));
            response.Dispose();
        }
    }

    private async Task<long> DownloadsAtUpstreamAsync(string crate)
    {
        var answer = await Upstream.Http.GetAsync($"api/v1/crates/{crate}", cancellationToken: Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
        return JsonNode.Parse(answer.Body)!["versions"]![0]!["downloads"]!.GetValue<long>();
    }
}
