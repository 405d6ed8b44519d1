using System.Net;
using System.Net.Http.Headers;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Custom toolchains (docs/toolchains.md section 6) are served from each node's memory of their release records
/// (Mirror/Toolchains/Custom/CustomToolchains.cs), so an upload or deletion must reach every node's memory: through the
/// change feed's `toolchains` topic. On the postgres-s3 lane two real nodes (separate processes) share one PostgreSQL and
/// one S3 bucket, and what one node switches the other serves next (within the notification's milliseconds); on the
/// sqlite lane one node (A and B are the same) serves its own switch on the very next request.
/// </summary>
public sealed class CustomToolchainNodesTests(CustomToolchainNodesTests.Nodes nodes) : IClassFixture<CustomToolchainNodesTests.Nodes>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_upload_or_deletion_on_one_node_is_what_the_other_serves_next()
    {
        var (a, b) = nodes.Get();
        var name = $"acme-{Ids.New()}";
        var manifest = $"rustup/custom/{name}/dist/channel-rust-{name}.toml";
        using var key = new Gpg();
        using var dist = new SyntheticDist(key);
        var archives = dist.Archives.Keys.Where(p => !p.Contains(SyntheticDist.Unmirrored, StringComparison.Ordinal)).Select(dist.Full).ToList();

        await UploadOkAsync(a, name, "1.95.0-acme.1", archives);
        await ServesAsync(b, manifest, "1.95.0-acme.1", "the first upload through A");
        // B now holds the record in memory; the next upload through A replaces it.
        await UploadOkAsync(a, name, "1.95.0-acme.2", archives);
        await ServesAsync(b, manifest, "1.95.0-acme.2", "the second upload through A");
        await ServesAsync(a, manifest, "1.95.0-acme.2", "A's own upload");

        var deleted = await b.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/v1/admin/toolchains/custom/{name}"), nodes.AdminToken, Cancel);
        Assert.True(deleted.Status == HttpStatusCode.OK, deleted.Describe());
        await ServesAsync(a, manifest, null, "the deletion through B");
        Assert.Equal(HttpStatusCode.NotFound, (await b.Http.GetAsync(manifest, cancellationToken: Cancel)).Status);
    }

    /// <summary>
    /// Waits until <paramref name="node"/> serves the manifest of <paramref name="version"/> (null: no manifest). On one
    /// node the first answer must already be it: the switch forgets before the write's answer leaves.
    /// </summary>
    private async Task ServesAsync(GhostCrateServer node, string manifest, string? version, string after)
    {
        async Task<bool> Current()
        {
            var answer = await node.Http.GetAsync(manifest, cancellationToken: Cancel);
            return version is null
                ? answer.Status == HttpStatusCode.NotFound
                : answer.Status == HttpStatusCode.OK && answer.Body.Contains($"version = \"{version}\"", StringComparison.Ordinal);
        }

        if (nodes.Single)
            Assert.True(await Current(), $"the node did not serve {version ?? "no manifest"} right after {after}");
        else
            await Eventually.TrueAsync(Current, $"node B did not serve {version ?? "no manifest"} after {after}", cancellationToken: Cancel);
    }

    private async Task UploadOkAsync(GhostCrateServer node, string name, string version, IEnumerable<string> files)
    {
        using var content = new MultipartFormDataContent { { new StringContent(SyntheticDist.Host), "host" }, { new StringContent(version), "version" } };
        foreach (var file in files)
        {
            var part = new ByteArrayContent(await File.ReadAllBytesAsync(file, Cancel));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
            content.Add(part, "file", Path.GetFileName(file));
        }
        var answer = await node.Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"api/v1/admin/toolchains/custom/{name}") { Content = content }, nodes.AdminToken, Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
    }

    /// <summary>Two nodes on one PostgreSQL and S3 bucket on the postgres-s3 lane; one node on the sqlite lane.</summary>
    public sealed class Nodes : IAsyncLifetime
    {
        private GhostCrateServer? _a;
        private GhostCrateServer? _b;
        private Exception? _startFailure;

        public bool Single => Lane.Current.Kind == BackendKind.Sqlite;

        /// <summary>A's token, which B was started with too.</summary>
        public string AdminToken => _a!.AdminToken;

        public async ValueTask InitializeAsync()
        {
            if (Lane.Current.UnavailableReason is not null) return;
            try
            {
                if (Single) _a = _b = await GhostCrateServer.StartAsync(new ServerOptions());
                else (_a, _b) = await NodePair.StartAsync(new Dictionary<string, string>());
            }
            catch (Exception e)
            {
                _startFailure = e;
            }
        }

        public (GhostCrateServer A, GhostCrateServer B) Get()
        {
            if (Lane.Current.UnavailableReason is { } reason) Assert.Skip(reason);
            if (_startFailure is not null) throw new InvalidOperationException($"The {Lane.Current.Name} node(s) failed to start (details below)", _startFailure);
            return (_a!, _b!);
        }

        public async ValueTask DisposeAsync()
        {
            if (_b is not null && !ReferenceEquals(_a, _b)) await _b.DisposeAsync();
            if (_a is not null) await _a.DisposeAsync();
        }
    }
}
