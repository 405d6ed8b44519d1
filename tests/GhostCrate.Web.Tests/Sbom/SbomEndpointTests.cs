using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GhostCrate.Core.Advisories;
using GhostCrate.Core.Proxy;
using GhostCrate.Protocol.Client;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Sbom;

/// <summary>
/// GET /api/v1/crates/{name}/{version}/sbom on a real server: the resolved closure (newest non-yanked match, no dev
/// dependencies, build dependencies marked, optional ones only when a default feature enables them), crates.io
/// dependencies from the proxy's cached index or listed unresolved, hashes, licences, purls, advisories, and the
/// CycloneDX 1.5 schema.
/// </summary>
public class SbomEndpointTests
{
    private const string CratesIo = "https://github.com/rust-lang/crates.io-index";

    private const string Smallvec = AdvisoryEndpointTests.Smallvec;

    private sealed record World(TestApp App, Dictionary<string, string> Checksums) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    /// <summary>
    /// `app 0.1.0` depends on leaf ^1 (1.2.0 is yanked, so 1.1.0), smallvec ^1.6 (1.6.0: affected), buildtool (build),
    /// devonly (dev), opt (optional, enabled by the default feature), unused (optional, off), and serde from crates.io.
    /// </summary>
    private static async Task<World> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var app = await TestApp.StartAsync(settings);
        var report = await app.Services.GetRequiredService<AdvisoryService>()
            .SyncAsync([new AdvisoryFile("crates/smallvec/RUSTSEC-2021-0003.md", Smallvec)], AdvisoryLimits.Default, CancellationToken.None);
        Assert.Empty(report.Rejected);
        var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
        async Task PublishAsync(string name, string version, object[]? deps = null, Dictionary<string, string[]>? features = null)
        {
            var builder = CrateFileBuilder.Valid(name, version);
            var crate = builder.BuildCrate();
            checksums[$"{name}@{version}"] = Convert.ToHexStringLower(SHA256.HashData(crate));
            var response = await app.PublishAsync(CrateFileBuilder.PublishBody(CrateFileBuilder.Metadata(name, version, deps, features), crate));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await PublishAsync("leaf", "1.0.0");
        await PublishAsync("leaf", "1.1.0");
        await PublishAsync("leaf", "1.2.0");
        await PublishAsync("leaf", "2.0.0");
        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/leaf/1.2.0/yank")).StatusCode);
        await PublishAsync("smallvec", "1.6.0");
        await PublishAsync("buildtool", "0.1.0", [CrateFileBuilder.Dependency("leaf", "=1.0.0")]);
        await PublishAsync("devonly", "1.0.0");
        await PublishAsync("opt", "1.0.0");
        await PublishAsync("unused", "1.0.0");
        await PublishAsync("app", "0.1.0",
            [
                CrateFileBuilder.Dependency("leaf", "^1"),
                CrateFileBuilder.Dependency("smallvec", "^1.6"),
                CrateFileBuilder.Dependency("buildtool", "0.1", kind: "build"),
                CrateFileBuilder.Dependency("devonly", "1", kind: "dev"),
                CrateFileBuilder.Dependency("opt", "1", optional: true),
                CrateFileBuilder.Dependency("unused", "1", optional: true),
                CrateFileBuilder.Dependency("serde", "^1.0.100", registry: CratesIo),
            ],
            new Dictionary<string, string[]> { ["default"] = ["fast"], ["fast"] = ["dep:opt"], ["extra"] = ["dep:unused"] });
        return new World(app, checksums);
    }

    private static async Task<JsonElement> GetOkAsync(TestApp app, string path, string expectedContentType)
    {
        var response = await app.Client().GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        Assert.Equal(expectedContentType, response.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Dictionary<string, JsonElement> ComponentsByName(JsonElement bom) =>
        bom.GetProperty("components").EnumerateArray().GroupBy(c => c.GetProperty("name").GetString()!)
            .Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single());

    private static string? Property(JsonElement component, string name) =>
        component.TryGetProperty("properties", out var ps)
            ? ps.EnumerateArray().Where(p => p.GetProperty("name").GetString() == name).Select(p => p.GetProperty("value").GetString()).FirstOrDefault()
            : null;

    [Fact]
    public async Task CycloneDx_lists_the_resolved_closure_with_hashes_licences_purls_and_advisories_and_validates()
    {
        await using var world = await StartAsync();
        var app = world.App;
        var bom = await GetOkAsync(app, "/api/v1/crates/app/0.1.0/sbom", "application/vnd.cyclonedx+json");

        Assert.Empty(SbomSchemas.CycloneDxErrors(bom));
        Assert.Equal("CycloneDX", bom.GetProperty("bomFormat").GetString());
        Assert.Equal("1.5", bom.GetProperty("specVersion").GetString());
        var index = $"sparse+{app.BaseAddress.ToString().TrimEnd('/')}/index/";
        var root = bom.GetProperty("metadata").GetProperty("component");
        Assert.Equal($"pkg:cargo/app@0.1.0?repository_url={Uri.EscapeDataString(index)}", root.GetProperty("purl").GetString());

        var components = ComponentsByName(bom);
        // Dev-only and optional-but-off dependencies are not part of what a dependent builds.
        Assert.Equal(["buildtool", "leaf", "leaf", "opt", "serde", "smallvec"], bom.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToArray());
        var leaves = bom.GetProperty("components").EnumerateArray().Where(c => c.GetProperty("name").GetString() == "leaf").ToList();
        // ^1 resolves to 1.1.0: 1.2.0 is yanked, 2.0.0 does not match; buildtool's =1.0.0 adds 1.0.0 as build-only.
        var leaf11 = Assert.Single(leaves, c => c.GetProperty("version").GetString() == "1.1.0");
        var leaf10 = Assert.Single(leaves, c => c.GetProperty("version").GetString() == "1.0.0");
        Assert.Equal("required", leaf11.GetProperty("scope").GetString());
        Assert.Equal("excluded", leaf10.GetProperty("scope").GetString());
        Assert.Equal("build", Property(leaf10, "ghostcrate:dependency-kind"));

        var buildtool = components["buildtool"];
        Assert.Equal("excluded", buildtool.GetProperty("scope").GetString());
        Assert.Equal("build", Property(buildtool, "ghostcrate:dependency-kind"));
        Assert.Equal("normal", Property(components["opt"], "ghostcrate:dependency-kind"));

        var hash = Assert.Single(leaf11.GetProperty("hashes").EnumerateArray());
        Assert.Equal("SHA-256", hash.GetProperty("alg").GetString());
        Assert.Equal(world.Checksums["leaf@1.1.0"], hash.GetProperty("content").GetString());
        Assert.Equal("MIT", Assert.Single(leaf11.GetProperty("licenses").EnumerateArray()).GetProperty("expression").GetString());
        Assert.Equal($"pkg:cargo/leaf@1.1.0?repository_url={Uri.EscapeDataString(index)}", leaf11.GetProperty("purl").GetString());

        // crates.io is not proxied on this server: serde is listed with its requirement, unresolved.
        var serde = components["serde"];
        Assert.False(serde.TryGetProperty("version", out _));
        Assert.False(serde.TryGetProperty("purl", out _));
        Assert.Equal("^1.0.100", Property(serde, "ghostcrate:requirement"));
        Assert.Equal("false", Property(serde, "ghostcrate:resolved"));
        Assert.Contains("not proxied", serde.GetProperty("description").GetString(), StringComparison.Ordinal);

        var vulnerability = Assert.Single(bom.GetProperty("vulnerabilities").EnumerateArray());
        Assert.Equal("RUSTSEC-2021-0003", vulnerability.GetProperty("id").GetString());
        Assert.Equal("critical", vulnerability.GetProperty("ratings")[0].GetProperty("severity").GetString());
        var affects = Assert.Single(vulnerability.GetProperty("affects").EnumerateArray());
        Assert.Equal(components["smallvec"].GetProperty("bom-ref").GetString(), affects.GetProperty("ref").GetString());

        // The graph: the root depends on the direct dependencies, buildtool on leaf 1.0.0.
        var graph = bom.GetProperty("dependencies").EnumerateArray().ToDictionary(
            d => d.GetProperty("ref").GetString()!, d => d.GetProperty("dependsOn").EnumerateArray().Select(x => x.GetString()!).ToHashSet());
        Assert.Equal(5, graph[root.GetProperty("bom-ref").GetString()!].Count);
        Assert.Contains(leaf10.GetProperty("bom-ref").GetString()!, graph[buildtool.GetProperty("bom-ref").GetString()!]);
    }

    [Fact]
    public async Task The_schema_check_rejects_a_bom_that_breaks_the_schema()
    {
        await using var world = await StartAsync();
        var bom = System.Text.Json.Nodes.JsonNode.Parse((await GetOkAsync(world.App, "/api/v1/crates/app/0.1.0/sbom", "application/vnd.cyclonedx+json")).GetRawText())!;
        bom["components"]![0]!["hashes"]![0]!["alg"] = "SHA-257";
        Assert.NotEmpty(SbomSchemas.CycloneDxErrors(JsonDocument.Parse(bom.ToJsonString()).RootElement));
    }

    [Fact]
    public async Task A_crates_io_dependency_resolves_through_the_proxy_cache_to_the_newest_non_yanked_match()
    {
        // The name check against crates.io is off: this test must not reach the network, and only reads the proxy's cache.
        await using var world = await StartAsync(new() { ["Proxy:Enabled"] = "true", ["Proxy:AllowPrivateNamesThatExistUpstream"] = "true" });
        var app = world.App;
        string Line(string version, bool yanked, char digit) =>
            $$"""{"name":"serde","vers":"{{version}}","deps":[],"cksum":"{{new string(digit, 64)}}","features":{},"yanked":{{(yanked ? "true" : "false")}}}""";
        var content = Encoding.UTF8.GetBytes(string.Join('\n', Line("1.0.99", false, 'a'), Line("1.0.150", false, 'b'), Line("1.0.151", true, 'c'), Line("2.0.0", false, 'd')) + "\n");
        var now = DateTimeOffset.UtcNow;
        await app.Services.GetRequiredService<IProxyCacheRepository>().SaveIndexFileAsync(
            new CachedIndexFile("crates-io", "serde", content, "\"e\"", now, now, new IndexValidators(null, null)), CancellationToken.None);

        var bom = await GetOkAsync(app, "/api/v1/crates/app/0.1.0/sbom?format=cyclonedx", "application/vnd.cyclonedx+json");
        Assert.Empty(SbomSchemas.CycloneDxErrors(bom));
        var serde = ComponentsByName(bom)["serde"];
        Assert.Equal("1.0.150", serde.GetProperty("version").GetString());
        // crates.io is the purl default repository: no qualifier.
        Assert.Equal("pkg:cargo/serde@1.0.150", serde.GetProperty("purl").GetString());
        Assert.Equal(new string('b', 64), serde.GetProperty("hashes")[0].GetProperty("content").GetString());
        Assert.False(serde.TryGetProperty("licenses", out _));
    }

    [Fact]
    public async Task Spdx_has_the_packages_checksums_purls_and_dependency_relationships()
    {
        await using var world = await StartAsync();
        var spdx = await GetOkAsync(world.App, "/api/v1/crates/app/0.1.0/sbom?format=spdx", "application/spdx+json");

        // SPDX 2.3's required document fields (https://spdx.github.io/spdx-spec/v2.3/document-creation-information/).
        Assert.Equal("SPDX-2.3", spdx.GetProperty("spdxVersion").GetString());
        Assert.Equal("CC0-1.0", spdx.GetProperty("dataLicense").GetString());
        Assert.Equal("SPDXRef-DOCUMENT", spdx.GetProperty("SPDXID").GetString());
        Assert.True(Uri.IsWellFormedUriString(spdx.GetProperty("documentNamespace").GetString(), UriKind.Absolute));
        Assert.StartsWith("Tool: GhostCrate-", spdx.GetProperty("creationInfo").GetProperty("creators")[0].GetString(), StringComparison.Ordinal);

        var packages = spdx.GetProperty("packages").EnumerateArray().ToList();
        var ids = packages.Select(p => p.GetProperty("SPDXID").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^SPDXRef-[A-Za-z0-9.-]+$", id));
        Assert.All(packages, p => Assert.True(p.TryGetProperty("downloadLocation", out _) && p.TryGetProperty("name", out _)));
        var leaf = Assert.Single(packages, p => p.GetProperty("name").GetString() == "leaf" && p.GetProperty("versionInfo").GetString() == "1.1.0");
        var checksum = Assert.Single(leaf.GetProperty("checksums").EnumerateArray());
        Assert.Equal(("SHA256", world.Checksums["leaf@1.1.0"]), (checksum.GetProperty("algorithm").GetString(), checksum.GetProperty("checksumValue").GetString()));
        Assert.Equal("MIT", leaf.GetProperty("licenseDeclared").GetString());
        var purl = Assert.Single(leaf.GetProperty("externalRefs").EnumerateArray());
        Assert.Equal(("PACKAGE-MANAGER", "purl"), (purl.GetProperty("referenceCategory").GetString(), purl.GetProperty("referenceType").GetString()));
        Assert.StartsWith("pkg:cargo/leaf@1.1.0?repository_url=", purl.GetProperty("referenceLocator").GetString(), StringComparison.Ordinal);
        var smallvec = Assert.Single(packages, p => p.GetProperty("name").GetString() == "smallvec");
        Assert.Contains(smallvec.GetProperty("externalRefs").EnumerateArray(),
            r => r.GetProperty("referenceCategory").GetString() == "SECURITY" && r.GetProperty("referenceLocator").GetString()!.Contains("RUSTSEC-2021-0003", StringComparison.Ordinal));

        string IdOf(string name) => Assert.Single(packages, p => p.GetProperty("name").GetString() == name).GetProperty("SPDXID").GetString()!;
        var relationships = spdx.GetProperty("relationships").EnumerateArray()
            .Select(r => (r.GetProperty("spdxElementId").GetString(), r.GetProperty("relationshipType").GetString(), r.GetProperty("relatedSpdxElement").GetString())).ToList();
        Assert.Contains(("SPDXRef-DOCUMENT", "DESCRIBES", IdOf("app")), relationships);
        Assert.Contains((IdOf("app"), "DEPENDS_ON", IdOf("smallvec")), relationships);
        Assert.Contains((IdOf("buildtool"), "BUILD_DEPENDENCY_OF", IdOf("app")), relationships);
        Assert.DoesNotContain(packages, p => p.GetProperty("name").GetString() is "devonly" or "unused");
    }

    [Fact]
    public async Task Bad_format_unknown_version_and_unknown_crate_answer_in_cargos_error_envelope()
    {
        await using var world = await StartAsync();
        var client = world.App.Client();
        var badFormat = await client.GetAsync("/api/v1/crates/app/0.1.0/sbom?format=xml");
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.Contains("cyclonedx", await Json.ErrorDetailAsync(badFormat), StringComparison.Ordinal);
        var noVersion = await client.GetAsync("/api/v1/crates/app/9.9.9/sbom");
        Assert.Equal(HttpStatusCode.NotFound, noVersion.StatusCode);
        Assert.Contains("no version `9.9.9`", await Json.ErrorDetailAsync(noVersion), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/crates/nothing-here/1.0.0/sbom")).StatusCode);
    }

    [Fact]
    public async Task Auth_required_refuses_anonymous_callers_and_serves_token_holders()
    {
        await using var world = await StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        var anonymous = await world.App.Client().GetAsync("/api/v1/crates/app/0.1.0/sbom");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var authorized = await world.App.Client(TestApp.AdminToken).GetAsync("/api/v1/crates/app/0.1.0/sbom");
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
    }
}
