using System.Net;
using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Advisories;
using GhostCrate.Core.Tests.Proxy;

namespace GhostCrate.Core.Tests.Advisories;

/// <summary>A version fetched through the proxy is flagged when its crate has advisories (right after the download is answered).</summary>
public sealed class ProxyFetchAdvisoryTests
{
    private static readonly byte[] Crate = Encoding.UTF8.GetBytes("pretend this is a gzipped tarball");
    private static readonly string Sum = Convert.ToHexStringLower(SHA256.HashData(Crate));

    private static ScriptedUpstream Upstream() => new(request => request.RequestUri!.AbsolutePath switch
    {
        "/index/config.json" => ScriptedUpstream.Body("{\"dl\":\"http://dl.test/{crate}/{crate}-{version}.crate\"}"),
        "/index/de/mo/demo" => ScriptedUpstream.Body($"{{\"name\":\"demo\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"{Sum}\",\"features\":{{}},\"yanked\":false}}\n"),
        _ when request.RequestUri.Host == "dl.test" => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Crate) },
        _ => new HttpResponseMessage(HttpStatusCode.NotFound),
    });

    [Fact]
    public async Task Fetching_an_affected_version_records_the_finding()
    {
        var h = new ProxyHarness(Upstream());
        var text = "```toml\n[advisory]\nid = \"RUSTSEC-2020-0001\"\npackage = \"demo\"\ndate = \"2020-01-01\"\n[versions]\npatched = [\">= 1.0.1\"]\n```\n# Demo is broken\n";
        Assert.Empty((await h.Advisories.SyncAsync([new AdvisoryFile("crates/demo/RUSTSEC-2020-0001.md", text)], AdvisoryLimits.Default, CancellationToken.None)).Rejected);
        // The fake store cannot see the proxy cache: tell it what the real query would find once the file is cached.
        h.AdvisoryRows.Known.Add(new KnownVersion(VersionSources.Proxy("crates-io"), "demo", "1.0.0"));
        var before = h.AdvisoryRows.Recomputes;

        await h.Downloads.OpenAsync(h.CratesIo, "demo", "1.0.0", CancellationToken.None);
        await h.StoredAsync();

        Assert.Equal(before + 1, h.AdvisoryRows.Recomputes);
        Assert.Equal([new AffectedVersion("RUSTSEC-2020-0001", "proxy:crates-io", "demo", "1.0.0")], await h.AdvisoryRows.AffectedAsync("demo", null, CancellationToken.None));
    }
}
