using System.Net;
using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>cargo publish with every kind of dependency, the index lines it yields, and a consumer that builds.</summary>
public sealed class PublishAndBuildTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Publishes_renamed_optional_build_and_target_dependencies_and_a_consumer_builds()
    {
        var id = Ids.New();
        var a = await Cargo.NewLibAsync($"dep-a-{id}", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "pub fn a() -> u32 { 1 }\n",
        });
        var opt = await Cargo.NewLibAsync($"dep-opt-{id}", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "pub fn opt() -> u32 { 20 }\n",
        });
        var bld = await Cargo.NewLibAsync($"dep-bld-{id}", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "pub fn bld() -> u32 { 300 }\n",
        });
        var unx = await Cargo.NewLibAsync($"dep-unx-{id}", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "pub fn unx() -> u32 { 4000 }\n",
        });
        foreach (var dep in new[] { a, opt, bld, unx })
        {
            await Cargo.PublishOkAsync(dep);
        }

        var b = await Cargo.NewLibAsync($"dep-b-{id}",
            packageFields: "rust-version = \"1.85\"",
            dependencies: $$"""
                a_renamed = { package = "{{a.Name}}", version = "0.1", registry = "ghostcrate" }
                {{opt.Name}} = { version = "0.1", registry = "ghostcrate", optional = true }
                """,
            extraToml: $$"""
                [build-dependencies]
                {{bld.Name}} = { version = "0.1", registry = "ghostcrate" }

                [target.'cfg(unix)'.dependencies]
                {{unx.Name}} = { version = "0.1", registry = "ghostcrate" }

                [features]
                extra = ["dep:{{opt.Name}}"]
                """,
            files: new Dictionary<string, string>
            {
                ["build.rs"] = $"fn main() {{ println!(\"cargo:rustc-env=BLD_VALUE={{}}\", {bld.RustName}::bld()); }}\n",
                ["src/lib.rs"] = $$"""
                    pub fn b() -> u32 { a_renamed::a() + {{unx.RustName}}::unx() + env!("BLD_VALUE").parse::<u32>().unwrap() }

                    #[cfg(feature = "extra")]
                    pub fn extra() -> u32 { {{opt.RustName}}::opt() }
                    """,
            });
        // Verification builds B from the packaged .crate, downloading A, bld and unx from GhostCrate.
        await Cargo.PublishOkAsync(b);

        var entries = await Http.GetIndexEntriesAsync(b.Name, cancellationToken: Cancel);
        var line = Assert.Single(entries);
        var shown = line.ToJsonString();
        Assert.Equal(b.Name, line["name"]?.GetValue<string>());
        Assert.Equal("0.1.0", line["vers"]?.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", line["cksum"]?.GetValue<string>() ?? "");
        Assert.False(line["yanked"]?.GetValue<bool>() ?? true, shown);
        Assert.Equal("1.85", line["rust_version"]?.GetValue<string>());

        // Features using `dep:` go to features2 with v = 2, so that cargo older than 1.60 skips the entry instead of
        // misreading it: https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema
        Assert.True(line["v"]?.GetValue<int>() == 2, $"expected \"v\":2\n{shown}");
        var features2 = line["features2"]?.AsObject();
        Assert.True(features2 is not null, $"expected features2\n{shown}");
        Assert.Equal([$"dep:{opt.Name}"], features2!["extra"]!.AsArray().Select(f => f!.GetValue<string>()));
        var features = line["features"]?.AsObject() ?? [];
        Assert.DoesNotContain(features, f => f.Value!.AsArray().Any(v => v!.GetValue<string>().StartsWith("dep:", StringComparison.Ordinal)));

        var deps = line["deps"]!.AsArray().Select(d => d!.AsObject()).ToList();
        Assert.True(deps.Count == 4, $"expected 4 deps\n{shown}");

        var renamed = Dep(deps, "a_renamed", shown);
        Assert.Equal(a.Name, renamed["package"]?.GetValue<string>());
        Assert.Equal("normal", Kind(renamed));
        Assert.False(renamed["optional"]?.GetValue<bool>() ?? false, shown);

        var optional = Dep(deps, opt.Name, shown);
        Assert.True(optional["optional"]?.GetValue<bool>() == true, $"{opt.Name} must be optional\n{shown}");
        Assert.Equal("normal", Kind(optional));

        var build = Dep(deps, bld.Name, shown);
        Assert.Equal("build", Kind(build));

        var target = Dep(deps, unx.Name, shown);
        Assert.Equal("cfg(unix)", target["target"]?.GetValue<string>());
        Assert.Equal("normal", Kind(target));
        foreach (var dep in deps)
        {
            Assert.StartsWith("^0.1", dep["req"]?.GetValue<string>() ?? "");
        }

        // A consumer enabling the feature resolves and compiles everything from GhostCrate.
        var consumer = await Cargo.NewLibAsync($"consumer-{id}",
            dependencies: $"{b.Name} = {{ version = \"0.1\", registry = \"ghostcrate\", features = [\"extra\"] }}",
            files: new Dictionary<string, string>
            {
                ["src/lib.rs"] = $$"""
                    pub fn total() -> u32 { {{b.RustName}}::b() + {{b.RustName}}::extra() }

                    #[cfg(test)]
                    mod tests {
                        #[test]
                        fn adds_up() { assert_eq!(super::total(), 4321); }
                    }
                    """,
            });
        await Cargo.RunOkAsync(consumer.Directory, ["build"]);
        await Cargo.RunOkAsync(consumer.Directory, ["test"]);
        foreach (var dep in new[] { a, opt, bld, unx, b })
        {
            Assert.Equal("0.1.0", CargoSandbox.LockedVersion(consumer, dep.Name));
        }
    }

    [Fact]
    public async Task Republishing_an_existing_version_fails_with_a_clear_message()
    {
        var crate = await Cargo.NewLibAsync($"dup-{Ids.New()}", version: "1.2.3");
        await Cargo.PublishOkAsync(crate);
        var before = await Http.GetIndexFileAsync(crate.Name, cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.OK, before.Status);

        // Different content under the same version.
        await File.AppendAllTextAsync(Path.Combine(crate.Directory, "src", "lib.rs"), "\npub fn changed() {}\n", Cancel);
        var again = await Cargo.PublishAsync(crate, verify: false);
        Assert.False(again.Succeeded, $"republishing must fail:\n{again.Describe()}");
        Assert.Contains("1.2.3", again.StdErr);
        Assert.Contains("already", again.StdErr, StringComparison.OrdinalIgnoreCase);

        // cargo may refuse on its own after reading the index, so also send the duplicate straight to the server.
        var body = CrateFiles.PublishBody(crate.Name, "1.2.3", CrateFiles.Build(crate.Name, "1.2.3", libRs: "pub fn other() {}\n"));
        var answer = await Http.PublishAsync(body, Server.AdminToken, Cancel);
        Assert.True(answer.Code is >= 400 and < 500, $"duplicate publish must be a 4xx:\n{answer.Describe()}");
        var detail = Assert.Single(answer.ErrorDetails());
        Assert.Contains("1.2.3", detail);
        Assert.Contains("already", detail, StringComparison.OrdinalIgnoreCase);

        // Nothing changed: same index file, and the download is still the first upload.
        var after = await Http.GetIndexFileAsync(crate.Name, cancellationToken: Cancel);
        Assert.Equal(before.Body, after.Body);
        var cksum = Assert.Single(RegistryClient.ParseIndexLines(after.Body))["cksum"]!.GetValue<string>();
        var (status, bytes) = await Http.DownloadAsync(crate.Name, "1.2.3", cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(cksum, CrateFiles.Sha256(bytes));
    }

    [Fact]
    public async Task A_crate_with_uppercase_letters_is_found_by_its_lowercase_index_path_and_builds()
    {
        // Cargo asks for the lowercased index path but downloads with the name as published.
        var dep = await Cargo.NewLibAsync($"Mixed_Case-{Ids.New()}", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "pub fn shout() -> &'static str { \"HI\" }\n",
        });
        await Cargo.PublishOkAsync(dep);
        var line = Assert.Single(await Http.GetIndexEntriesAsync(dep.Name.ToLowerInvariant(), cancellationToken: Cancel));
        Assert.Equal(dep.Name, line["name"]?.GetValue<string>());

        var consumer = await Cargo.NewLibAsync($"consumer-{Ids.New()}",
            dependencies: $"{dep.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn get() -> &'static str {{ {dep.RustName}::shout() }}\n" });
        await Cargo.RunOkAsync(consumer.Directory, ["build"]);
    }

    [Fact]
    public async Task Dependencies_on_crates_io_keep_their_registry_in_the_index()
    {
        // What cargo sends for `serde = "1"` and `json = { package = "serde_json", version = "1" }` from crates.io:
        // the registry is the crates.io index URL, and a rename travels as explicit_name_in_toml.
        const string cratesIo = "https://github.com/rust-lang/crates.io-index";
        var name = $"uses-public-{Ids.New()}";
        var metadata = CrateFiles.Metadata(name, "0.1.0");
        metadata["deps"] = new JsonArray(
            CrateFiles.Dependency("serde", "^1.0", cratesIo),
            CrateFiles.Dependency("serde_json", "^1", cratesIo, explicitNameInToml: "json"));
        var crate = CrateFiles.Build(name, "0.1.0", manifestExtra: """

            [dependencies.serde]
            version = "1.0"

            [dependencies.json]
            version = "1"
            package = "serde_json"
            """);
        var answer = await Http.PublishAsync(CrateFiles.PublishBody(metadata, crate), Server.AdminToken, Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());

        var line = Assert.Single(await Http.GetIndexEntriesAsync(name, cancellationToken: Cancel));
        var shown = line.ToJsonString();
        var deps = line["deps"]!.AsArray().Select(d => d!.AsObject()).ToList();
        var serde = Dep(deps, "serde", shown);
        Assert.Equal(cratesIo, serde["registry"]?.GetValue<string>());
        Assert.Equal("^1.0", serde["req"]?.GetValue<string>());
        Assert.Null(serde["package"]);
        var json = Dep(deps, "json", shown);
        Assert.Equal("serde_json", json["package"]?.GetValue<string>());
        Assert.Equal(cratesIo, json["registry"]?.GetValue<string>());
    }

    private static JsonObject Dep(List<JsonObject> deps, string name, string shown)
    {
        var matches = deps.Where(d => d["name"]?.GetValue<string>() == name).ToList();
        Assert.True(matches.Count == 1, $"expected one dependency named {name}\n{shown}");
        return matches[0];
    }

    private static string Kind(JsonObject dep) => dep["kind"]?.GetValue<string>() ?? "normal";
}
