using System.Net;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The download policy with the real cargo (docs/security.md#policy): P blocks versions with advisories of severity
/// high and above, with the real RustSec database imported by `ghostcrate advisories sync`. U (playing crates.io)
/// serves crates named and versioned like real advisories (synthesized .crate files). `cargo build` fails with the
/// advisory id in its output, builds once the advisory is allowed, and a patched version builds all along.
/// </summary>
public sealed class AdvisoryPolicyTests(AdvisoryPolicyTests.Fixture fixture) : ProxyEndToEndTest(fixture), IClassFixture<AdvisoryPolicyTests.Fixture>
{
    public sealed class Fixture : ProxyPairFixture
    {
        protected override Dictionary<string, string> ProxySettingsFor(GhostCrateServer upstream)
        {
            var settings = ProxySettings(upstream);
            settings["GHOSTCRATE_Policy__BlockSeverity"] = "High";
            return settings;
        }
    }

    private async Task SyncAdvisoriesAsync()
    {
        var sync = await Proxy.RunCliAsync(["advisories", "sync", "--from", RustSecDatabase.Location(), "--data-dir", Proxy.DataDir], cancellationToken: Cancel);
        Assert.True(sync.Succeeded, sync.Describe());
    }

    private Task WaitForDownloadStatusAsync(string path, HttpStatusCode expected) => DownloadStatus.WaitAsync(Proxy.Http.Raw, path, expected, Cancel);

    private static Dictionary<string, string> Lib(string body) => new() { ["src/lib.rs"] = $"pub fn v() -> u32 {{ {body} }}\n" };

    [Fact]
    public async Task Cargo_build_through_the_proxy_fails_with_the_advisory_id_builds_the_patched_version_and_builds_once_allowed()
    {
        var id = Ids.New();
        var publisher = PublisherToUpstream();
        // RUSTSEC-2021-0003 (critical): smallvec 1.6.0 is affected, 1.6.1 is patched.
        await publisher.PublishOkAsync(await publisher.NewLibAsync("smallvec", "1.6.0", files: Lib("160")), verify: false);
        await publisher.PublishOkAsync(await publisher.NewLibAsync("smallvec", "1.6.1", files: Lib("161")), verify: false);
        await SyncAdvisoriesAsync();
        await WaitForDownloadStatusAsync("crates-io/api/v1/crates/smallvec/1.6.0/download", HttpStatusCode.Forbidden);

        var consumer = await ConsumerOfProxyAsync();
        var (blockedProject, blocked) = await BuildConsumerAsync(consumer, $"blocked-{id}", "smallvec = \"=1.6.0\"", "smallvec::v()");
        Assert.False(blocked.Succeeded, blocked.Describe());
        Assert.Contains("RUSTSEC-2021-0003", blocked.StdErr, StringComparison.Ordinal);
        Assert.Contains(">= 1.6.1", blocked.StdErr, StringComparison.Ordinal);
        Assert.Contains("403", blocked.StdErr, StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine("What cargo prints for a blocked download:\n" + blocked.StdErr);

        // The lock file cargo resolves for that project, sent to P's audit route: it names the advisory.
        await consumer.RunOkAsync(blockedProject.Directory, ["generate-lockfile"]);
        var audit = await Proxy.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/v1/audit")
        {
            Content = new StringContent(await File.ReadAllTextAsync(blockedProject.LockPath, Cancel)),
        }, null, Cancel);
        Assert.True(audit.Status == HttpStatusCode.OK, audit.Describe());
        Assert.Contains("RUSTSEC-2021-0003", audit.Body, StringComparison.Ordinal);
        Assert.Contains("\"vulnerabilities\":1", audit.Body.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);

        var (_, patched) = await BuildConsumerAsync(consumer, $"patched-{id}", "smallvec = \"=1.6.1\"", "smallvec::v()");
        Assert.True(patched.Succeeded, patched.Describe());

        var allow = await Proxy.RunCliAsync(["advisories", "allow", "RUSTSEC-2021-0003", "--reason", "end-to-end test", "--until", "2999-12-31", "--data-dir", Proxy.DataDir], cancellationToken: Cancel);
        Assert.True(allow.Succeeded, allow.Describe());
        await WaitForDownloadStatusAsync("crates-io/api/v1/crates/smallvec/1.6.0/download", HttpStatusCode.OK);
        var (_, allowed) = await BuildConsumerAsync(consumer, $"allowed-{id}", "smallvec = \"=1.6.0\"", "smallvec::v()");
        Assert.True(allowed.Succeeded, allowed.Describe());

        var disallow = await Proxy.RunCliAsync(["advisories", "disallow", "RUSTSEC-2021-0003", "--data-dir", Proxy.DataDir], cancellationToken: Cancel);
        Assert.True(disallow.Succeeded, disallow.Describe());
        await WaitForDownloadStatusAsync("crates-io/api/v1/crates/smallvec/1.6.0/download", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_private_version_with_an_advisory_fails_to_build_and_its_patched_version_builds()
    {
        var id = Ids.New();
        // RUSTSEC-2020-0121 (high, CVSS 8.1): abox before 0.4.1. U has no abox, so P takes it as a private crate.
        var author = await ConsumerOfProxyAsync(Proxy.AdminToken);
        await author.PublishOkAsync(await author.NewLibAsync("abox", "0.4.0", files: Lib("40")), verify: false);
        await author.PublishOkAsync(await author.NewLibAsync("abox", "0.4.1", files: Lib("41")), verify: false);
        await SyncAdvisoriesAsync();
        await WaitForDownloadStatusAsync("api/v1/crates/abox/0.4.0/download", HttpStatusCode.Forbidden);

        var consumer = await ConsumerOfProxyAsync();
        var (_, blocked) = await BuildConsumerAsync(consumer, $"private-blocked-{id}", "abox = { version = \"=0.4.0\", registry = \"ghostcrate\" }", "abox::v()");
        Assert.False(blocked.Succeeded, blocked.Describe());
        Assert.Contains("RUSTSEC-2020-0121", blocked.StdErr, StringComparison.Ordinal);
        Assert.Contains(">= 0.4.1", blocked.StdErr, StringComparison.Ordinal);

        var (_, patched) = await BuildConsumerAsync(consumer, $"private-patched-{id}", "abox = { version = \"=0.4.1\", registry = \"ghostcrate\" }", "abox::v()");
        Assert.True(patched.Succeeded, patched.Describe());
    }
}
