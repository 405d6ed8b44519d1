using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using GhostCrate.Cli;
using GhostCrate.Core.Advisories;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Sbom;

/// <summary>`ghostcrate sbom Cargo.lock` against a server's data directory: components, licences by checksum, advisories, schema.</summary>
public class SbomCommandTests
{
    private const string Smallvec = """
        ```toml
        [advisory]
        id = "RUSTSEC-2021-0003"
        package = "smallvec"
        date = "2021-01-08"

        [versions]
        patched = [">= 1.6.1"]
        ```

        # Buffer overflow in SmallVec::insert_many

        A bug.
        """;

    [Fact]
    public async Task A_lock_file_becomes_a_valid_CycloneDx_and_an_Spdx_document()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Empty((await app.Services.GetRequiredService<AdvisoryService>()
            .SyncAsync([new AdvisoryFile("crates/smallvec/RUSTSEC-2021-0003.md", Smallvec)], AdvisoryLimits.Default, CancellationToken.None)).Rejected);
        var crate = CrateFileBuilder.Valid("inhouse", "1.1.0").BuildCrate();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.PublishBody(CrateFileBuilder.Metadata("inhouse", "1.1.0"), crate))).StatusCode);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(crate));
        var index = $"sparse+{app.BaseAddress.ToString().TrimEnd('/')}/index/";

        var dir = Path.Combine(app.DataDir, "project");
        Directory.CreateDirectory(dir);
        var lockPath = Path.Combine(dir, "Cargo.lock");
        await File.WriteAllTextAsync(lockPath, $"""
            version = 4

            [[package]]
            name = "project"
            version = "0.1.0"
            dependencies = ["inhouse", "smallvec"]

            [[package]]
            name = "inhouse"
            version = "1.1.0"
            source = "{index}"
            checksum = "{checksum}"

            [[package]]
            name = "smallvec"
            version = "1.6.0"
            source = "registry+https://github.com/rust-lang/crates.io-index"
            checksum = "{new string('a', 64)}"
            """);

        var cdxPath = Path.Combine(dir, "sbom.cdx.json");
        var error = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["sbom", lockPath, "--data-dir", app.DataDir, "--output", cdxPath], TextWriter.Null, error, TextReader.Null));
        var bom = JsonDocument.Parse(await File.ReadAllTextAsync(cdxPath)).RootElement;
        Assert.Empty(SbomSchemas.CycloneDxErrors(bom));
        var components = bom.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(["inhouse", "project", "smallvec"], components.Keys.Order(StringComparer.Ordinal).ToArray());
        var inhouse = components["inhouse"];
        // The registry holds the same .crate (same checksum): its licence is known.
        Assert.Equal("MIT", inhouse.GetProperty("licenses")[0].GetProperty("expression").GetString());
        Assert.Equal($"pkg:cargo/inhouse@1.1.0?repository_url={Uri.EscapeDataString(index)}", inhouse.GetProperty("purl").GetString());
        Assert.Equal(checksum, inhouse.GetProperty("hashes")[0].GetProperty("content").GetString());
        Assert.Equal("pkg:cargo/smallvec@1.6.0", components["smallvec"].GetProperty("purl").GetString());
        Assert.False(components["project"].TryGetProperty("purl", out _));
        var vulnerability = Assert.Single(bom.GetProperty("vulnerabilities").EnumerateArray());
        Assert.Equal("RUSTSEC-2021-0003", vulnerability.GetProperty("id").GetString());
        Assert.Equal(components["smallvec"].GetProperty("bom-ref").GetString(), vulnerability.GetProperty("affects")[0].GetProperty("ref").GetString());

        var output = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["sbom", lockPath, "--format", "spdx", "--data-dir", app.DataDir], output, error, TextReader.Null));
        var spdx = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal("SPDX-2.3", spdx.GetProperty("spdxVersion").GetString());
        Assert.Equal(3, spdx.GetProperty("packages").GetArrayLength());
        Assert.Equal(3, spdx.GetProperty("documentDescribes").GetArrayLength());

        Assert.Equal(2, await CliApp.RunAsync(["sbom", lockPath, "--format", "xml", "--data-dir", app.DataDir], TextWriter.Null, error, TextReader.Null));
        Assert.Contains("unknown format `xml`", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_lock_files_dependency_graph_is_written_as_CycloneDx_dependencies_and_Spdx_relationships()
    {
        await using var app = await TestApp.StartAsync();
        const string CratesIo = "registry+https://github.com/rust-lang/crates.io-index";
        var dir = Path.Combine(app.DataDir, "graph");
        Directory.CreateDirectory(dir);
        var lockPath = Path.Combine(dir, "Cargo.lock");
        string Sum(char c) => new(c, 64);
        // Lockfile v4: a bare name where it is unique, `name version` where two versions are locked.
        await File.WriteAllTextAsync(lockPath, $"""
            version = 4

            [[package]]
            name = "app"
            version = "0.1.0"
            dependencies = ["itoa 0.4.8", "itoa 1.0.1", "serde", "tools"]

            [[package]]
            name = "tools"
            version = "0.1.0"
            dependencies = ["itoa 1.0.1"]

            [[package]]
            name = "serde"
            version = "1.0.200"
            source = "{CratesIo}"
            checksum = "{Sum('a')}"
            dependencies = ["serde_derive"]

            [[package]]
            name = "serde_derive"
            version = "1.0.200"
            source = "{CratesIo}"
            checksum = "{Sum('b')}"

            [[package]]
            name = "itoa"
            version = "0.4.8"
            source = "{CratesIo}"
            checksum = "{Sum('c')}"

            [[package]]
            name = "itoa"
            version = "1.0.1"
            source = "{CratesIo}"
            checksum = "{Sum('d')}"
            """);

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["sbom", lockPath, "--data-dir", app.DataDir], output, error, TextReader.Null));
        var bom = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Empty(SbomSchemas.CycloneDxErrors(bom));
        var refs = bom.GetProperty("components").EnumerateArray()
            .ToDictionary(c => $"{c.GetProperty("name").GetString()}@{c.GetProperty("version").GetString()}", c => c.GetProperty("bom-ref").GetString()!);
        var names = refs.ToDictionary(r => r.Value, r => r.Key);
        var graph = bom.GetProperty("dependencies").EnumerateArray().ToDictionary(
            d => names[d.GetProperty("ref").GetString()!],
            d => d.GetProperty("dependsOn").EnumerateArray().Select(t => names[t.GetString()!]).Order(StringComparer.Ordinal).ToArray());
        // Every component has an entry; leaves have an empty one (the lock file says they depend on nothing).
        Assert.Equal(refs.Keys.Order(StringComparer.Ordinal), graph.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["itoa@0.4.8", "itoa@1.0.1", "serde@1.0.200", "tools@0.1.0"], graph["app@0.1.0"]);
        Assert.Equal(["itoa@1.0.1"], graph["tools@0.1.0"]);
        Assert.Equal(["serde_derive@1.0.200"], graph["serde@1.0.200"]);
        Assert.Empty(graph["itoa@0.4.8"]);
        Assert.Empty(graph["serde_derive@1.0.200"]);

        output = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["sbom", lockPath, "--format", "spdx", "--data-dir", app.DataDir], output, error, TextReader.Null));
        var spdx = JsonDocument.Parse(output.ToString()).RootElement;
        var ids = spdx.GetProperty("packages").EnumerateArray()
            .ToDictionary(p => p.GetProperty("SPDXID").GetString()!, p => $"{p.GetProperty("name").GetString()}@{p.GetProperty("versionInfo").GetString()}");
        var dependsOn = spdx.GetProperty("relationships").EnumerateArray()
            .Where(r => r.GetProperty("relationshipType").GetString() == "DEPENDS_ON")
            .Select(r => $"{ids[r.GetProperty("spdxElementId").GetString()!]} -> {ids[r.GetProperty("relatedSpdxElement").GetString()!]}")
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
        [
            "app@0.1.0 -> itoa@0.4.8", "app@0.1.0 -> itoa@1.0.1", "app@0.1.0 -> serde@1.0.200", "app@0.1.0 -> tools@0.1.0",
            "serde@1.0.200 -> serde_derive@1.0.200", "tools@0.1.0 -> itoa@1.0.1",
        ], dependsOn);

        // A malformed entry is the lock file's error, not a document with a silently missing edge.
        await File.WriteAllTextAsync(lockPath, "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"itoa 1.0.1 crates-io\"]\n");
        error = new StringWriter();
        Assert.Equal(2, await CliApp.RunAsync(["sbom", lockPath, "--data-dir", app.DataDir], TextWriter.Null, error, TextReader.Null));
        Assert.Contains("malformed dependency `itoa 1.0.1 crates-io`", error.ToString(), StringComparison.Ordinal);
    }
}
