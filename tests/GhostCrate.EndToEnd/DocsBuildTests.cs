using GhostCrate.Testing;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// A server with the docs builder on (sandbox: namespaces), a build timeout no real build reaches and a memory limit
/// (2 GiB of address space per process) that cargo, rustc and rustdoc stay within and a test's build script does not.
/// </summary>
public sealed class DocsBuilderServerFixture : ServerFixture
{
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    public const long MemoryBytes = 2L * 1024 * 1024 * 1024;

    protected override ServerOptions Options => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Docs__Build__Enabled"] = "true",
            ["GHOSTCRATE_Docs__Build__Timeout"] = BuildTimeout.ToString(),
            ["GHOSTCRATE_Docs__Build__MemoryBytes"] = MemoryBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GHOSTCRATE_Docs__Build__Cargo"] = CargoSandbox.CargoPath,
        },
    };
}

/// <summary>
/// A server of its own for the never-ending build: a short timeout ends that build soon, and no other test's build
/// waits in the queue behind it (one build at a time per node). It builds with Docs:Build:Sandbox=none, the fallback
/// for servers that are not root, so the timeout is shown where no PID namespace takes the build's processes with it.
/// </summary>
public sealed class ShortTimeoutDocsBuilderServerFixture : ServerFixture
{
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromSeconds(30);

    protected override ServerOptions Options => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Docs__Build__Enabled"] = "true",
            ["GHOSTCRATE_Docs__Build__Sandbox"] = "none",
            ["GHOSTCRATE_Docs__Build__Timeout"] = BuildTimeout.ToString(),
            ["GHOSTCRATE_Docs__Build__Cargo"] = CargoSandbox.CargoPath,
        },
    };
}

/// <summary>An auth-required registry with the docs builder on: builds fetch with a read token of the publisher.</summary>
public sealed class AuthRequiredDocsBuilderServerFixture : ServerFixture
{
    protected override ServerOptions Options => new()
    {
        AuthRequired = true,
        Settings = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Docs__Build__Enabled"] = "true",
            ["GHOSTCRATE_Docs__Build__Cargo"] = CargoSandbox.CargoPath,
        },
    };
}

/// <summary>
/// In an auth-required registry the build's `cargo fetch` needs a token: it gets a short-lived read-only one of the
/// publisher, held in the server's memory, and the dependency resolves.
/// </summary>
public sealed class AuthRequiredDocsBuildTests(AuthRequiredDocsBuilderServerFixture fixture) : EndToEndTest(fixture), IClassFixture<AuthRequiredDocsBuilderServerFixture>
{
    protected override void ConfigureSandbox(CargoSandbox sandbox) =>
        sandbox.ExtraEnvironment["CARGO_REGISTRIES_GHOSTCRATE_CREDENTIAL_PROVIDER"] = "cargo:token";

    [Fact]
    public async Task The_build_fetches_a_private_dependency_with_the_publishers_read_token()
    {
        var dep = await Cargo.NewLibAsync($"authdep-{Ids.New()}", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub struct AuthDepThing;\n" });
        await Cargo.PublishOkAsync(dep);
        var main = await Cargo.NewLibAsync($"authmain-{Ids.New()}",
            dependencies: $"{dep.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"/// Needs the private dependency.\npub fn auth_main() -> {dep.RustName}::AuthDepThing {{ {dep.RustName}::AuthDepThing }}\n" });
        await Cargo.PublishOkAsync(main);

        var anonymous = await Http.GetAsync($"/api/v1/docs/{main.Name}/0.1.0/status", cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        var status = await DocsBuildTests.WaitForBuildAsync(Http, Server.AdminToken, main.Name);
        Assert.True(status["status"]!.GetValue<string>() == "built", status.ToJsonString());
        var page = await Http.GetAsync($"/docs/{main.Name}/0.1.0/{main.RustName}/fn.auth_main.html", Server.AdminToken, cancellationToken: Cancel);
        Assert.True(page.Status == HttpStatusCode.OK, page.Describe());
        Assert.Contains("AuthDepThing", page.Body);
        // The build's token lived only for the build: nothing about it is in the log.
        Assert.DoesNotContain(DocsBuildCredentialsPrefix, status["log"]!.GetValue<string>());
    }

    private const string DocsBuildCredentialsPrefix = "gcdocsbuild_";
}

/// <summary>
/// The sandboxed builder with the real cargo on each lane (docs/rustdoc.md#building-docs-in-the-registry): a publish
/// queues a build whose `cargo doc` fetches its dependency from GhostCrate and honours [package.metadata.docs.rs];
/// a build script cannot reach a listener on the host (the timeout: <see cref="DocsBuildTimeoutTests"/>); the scratch
/// directory is empty after every build.
/// </summary>
public sealed class DocsBuildTests(DocsBuilderServerFixture fixture) : EndToEndTest(fixture), IClassFixture<DocsBuilderServerFixture>
{
    private static readonly TimeSpan BuildDeadline = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task A_published_crate_is_built_with_its_registry_dependency_and_docs_rs_features_and_cfg()
    {
        var dep = await Cargo.NewLibAsync($"docdep-{Ids.New()}", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "/// A thing from the dependency.\npub struct DepThing;\n",
        });
        await Cargo.PublishOkAsync(dep);
        var depRust = dep.RustName;
        var main = await Cargo.NewLibAsync($"docmain-{Ids.New()}",
            dependencies: $"{dep.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}",
            extraToml: "[features]\nextra = []\n\n[package.metadata.docs.rs]\nfeatures = [\"extra\"]\nrustdoc-args = [\"--cfg\", \"gc_rustdoc_arg\"]\n",
            files: new Dictionary<string, string>
            {
                ["src/lib.rs"] =
                    "//! Docs built by GhostCrate.\n" +
                    $"/// Makes a [`{depRust}::DepThing`].\npub fn make_dep_thing() -> {depRust}::DepThing {{ {depRust}::DepThing }}\n" +
                    "/// Only with the `extra` feature.\n#[cfg(feature = \"extra\")]\npub struct FeatureGatedItem;\n" +
                    "/// Only when built like docs.rs.\n#[cfg(docsrs)]\npub struct DocsRsOnlyItem;\n" +
                    "/// Only with the rustdoc-args of the manifest.\n#[cfg(gc_rustdoc_arg)]\npub struct RustdocArgItem;\n",
            });
        await Cargo.PublishOkAsync(main);

        var status = await WaitForBuildAsync(main.Name);
        Assert.True(status["status"]!.GetValue<string>() == "built", status.ToJsonString());
        Assert.Equal("build", status["source"]!.GetValue<string>());
        Assert.Contains("cargo doc", status["log"]!.GetValue<string>());
        Assert.Contains("(sandbox: no network, only its own directory writable)", status["log"]!.GetValue<string>());

        var index = await Http.GetAsync($"/docs/{main.Name}/0.1.0/{main.RustName}/index.html", cancellationToken: Cancel);
        Assert.True(index.Status == HttpStatusCode.OK, index.Describe());
        Assert.Contains("make_dep_thing", index.Body);
        Assert.Contains("FeatureGatedItem", index.Body);
        Assert.Contains("DocsRsOnlyItem", index.Body);
        Assert.Contains("RustdocArgItem", index.Body);
        var function = await Http.GetAsync($"/docs/{main.Name}/0.1.0/{main.RustName}/fn.make_dep_thing.html", cancellationToken: Cancel);
        Assert.True(function.Status == HttpStatusCode.OK, function.Describe());
        Assert.Contains("DepThing", function.Body);
        // --extern-html-root-url: the dependency's item links to its docs on this registry, not plain text.
        Assert.Contains($"href=\"/docs/{dep.Name}/0.1.0/{depRust}/struct.DepThing.html\"", function.Body);
        await AssertScratchEmpty();
    }

    [Fact]
    public async Task No_default_features_and_all_features_of_the_docs_rs_metadata_choose_what_is_documented()
    {
        const string gated =
            "/// With the default feature.\n#[cfg(feature = \"std\")]\npub struct WithDefaults;\n" +
            "/// Without the default feature.\n#[cfg(not(feature = \"std\"))]\npub struct WithoutDefaults;\n" +
            "/// Only with the optional feature.\n#[cfg(feature = \"extra\")]\npub struct WithExtra;\n";
        var noDefaults = await Cargo.NewLibAsync($"docnodef-{Ids.New()}",
            extraToml: "[features]\ndefault = [\"std\"]\nstd = []\nextra = []\n\n[package.metadata.docs.rs]\nno-default-features = true\n",
            files: new Dictionary<string, string> { ["src/lib.rs"] = gated });
        await Cargo.PublishOkAsync(noDefaults);
        var allFeatures = await Cargo.NewLibAsync($"docallf-{Ids.New()}",
            extraToml: "[features]\ndefault = [\"std\"]\nstd = []\nextra = []\n\n[package.metadata.docs.rs]\nall-features = true\n",
            files: new Dictionary<string, string> { ["src/lib.rs"] = gated });
        await Cargo.PublishOkAsync(allFeatures);

        var withoutDefaults = await BuiltIndexAsync(noDefaults);
        Assert.Contains("WithoutDefaults", withoutDefaults);
        Assert.DoesNotContain("WithDefaults", withoutDefaults);
        Assert.DoesNotContain("WithExtra", withoutDefaults);
        var everything = await BuiltIndexAsync(allFeatures);
        Assert.Contains("WithDefaults", everything);
        Assert.Contains("WithExtra", everything);
        Assert.DoesNotContain("WithoutDefaults", everything);
        await AssertScratchEmpty();
    }

    private async Task<string> BuiltIndexAsync(CrateProject project)
    {
        var status = await WaitForBuildAsync(project.Name);
        Assert.True(status["status"]!.GetValue<string>() == "built", status.ToJsonString());
        var index = await Http.GetAsync($"/docs/{project.Name}/0.1.0/{project.RustName}/index.html", cancellationToken: Cancel);
        Assert.True(index.Status == HttpStatusCode.OK, index.Describe());
        return index.Body;
    }

    [Fact]
    public async Task A_crates_rust_toolchain_file_does_not_choose_the_toolchain_of_its_build()
    {
        // A toolchain that is not installed and cannot be (no network): a build that let the file choose would fail. Two
        // defences stand in the way: the unpacker leaves rust-toolchain files out, and RUSTUP_TOOLCHAIN outranks them.
        var project = await Cargo.NewLibAsync($"doctc-{Ids.New()}", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "/// Built with the pinned toolchain.\npub struct PinnedToolchain;\n",
            ["rust-toolchain.toml"] = "[toolchain]\nchannel = \"1.0.0\"\n",
        });
        // The publisher's own cargo overrides the file the same way; the file still goes into the package.
        Cargo.ExtraEnvironment["RUSTUP_TOOLCHAIN"] = "stable";
        var listed = await Cargo.RunOkAsync(project.Directory, ["package", "--list", "--allow-dirty"]);
        Assert.Contains("rust-toolchain.toml", listed.StdOut, StringComparison.Ordinal);
        await Cargo.PublishOkAsync(project);

        var status = await WaitForBuildAsync(project.Name);
        Assert.True(status["status"]!.GetValue<string>() == "built", status.ToJsonString());
        Assert.Equal("stable", status["toolchain"]!.GetValue<string>());
        var page = await Http.GetAsync($"/docs/{project.Name}/0.1.0/{project.RustName}/struct.PinnedToolchain.html", cancellationToken: Cancel);
        Assert.True(page.Status == HttpStatusCode.OK, page.Describe());
        await AssertScratchEmpty();
    }

    [Fact]
    public async Task The_default_target_of_the_docs_rs_metadata_is_the_target_built()
    {
        // The host's own triple: the one target whose standard library is surely installed here.
        var version = await Cargo.RunOkAsync(Cargo.ProjectsDir, ["-vV"]);
        var host = version.StdOut.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("host: ", StringComparison.Ordinal))["host: ".Length..];
        var project = await Cargo.NewLibAsync($"doctarget-{Ids.New()}",
            extraToml: $"[package.metadata.docs.rs]\ndefault-target = \"{host}\"\n",
            files: new Dictionary<string, string> { ["src/lib.rs"] = "/// Built for the default target.\npub struct ForTheDefaultTarget;\n" });
        await Cargo.PublishOkAsync(project);

        var status = await WaitForBuildAsync(project.Name);
        Assert.True(status["status"]!.GetValue<string>() == "built", status.ToJsonString());
        Assert.Contains($"building for the target {host}", status["log"]!.GetValue<string>());
        Assert.Contains($"--target {host}", status["log"]!.GetValue<string>());
        var page = await Http.GetAsync($"/docs/{project.Name}/0.1.0/{project.RustName}/struct.ForTheDefaultTarget.html", cancellationToken: Cancel);
        Assert.True(page.Status == HttpStatusCode.OK, page.Describe());
        await AssertScratchEmpty();
    }

    [Fact]
    public async Task A_build_script_cannot_reach_a_listener_outside_the_namespace()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = 0;
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    Interlocked.Increment(ref accepted);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, Cancel);

        var project = await Cargo.NewLibAsync($"docnet-{Ids.New()}",
            packageFields: "build = \"build.rs\"",
            files: new Dictionary<string, string>
            {
                ["src/lib.rs"] = "/// Built without network.\npub struct Offline;\n",
                ["build.rs"] =
                    "use std::net::{SocketAddr, TcpStream};\nuse std::time::Duration;\n" +
                    "fn main() {\n" +
                    $"    let addr: SocketAddr = \"127.0.0.1:{port}\".parse().unwrap();\n" +
                    "    match TcpStream::connect_timeout(&addr, Duration::from_secs(5)) {\n" +
                    "        Ok(_) => println!(\"cargo:warning=build script CONNECTED to the host\"),\n" +
                    "        Err(e) => println!(\"cargo:warning=build script has no network: {e}\"),\n" +
                    "    }\n}\n",
            });
        // --no-verify: verifying would run the build script here, outside any sandbox, and it would connect.
        await Cargo.PublishOkAsync(project, verify: false);

        var status = await WaitForBuildAsync(project.Name);
        var log = status["log"]!.GetValue<string>();
        Assert.True(status["status"]!.GetValue<string>() == "built", status.ToJsonString());
        Assert.Contains("build script has no network", log);
        Assert.DoesNotContain("CONNECTED", log);
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        Assert.Equal(0, Volatile.Read(ref accepted));
        await AssertScratchEmpty();
    }

    [Fact]
    public async Task A_build_script_can_neither_read_nor_write_outside_its_scratch_directory()
    {
        var id = Ids.New();
        var secret = Path.Combine(Server.DataDir, $"secret-{id}.txt");
        await File.WriteAllTextAsync(secret, $"server-secret-{id}", Cancel);
        string[] outside = [Path.Combine(Path.GetTempPath(), $"gc-escaped-{id}"), Path.Combine(Server.DataDir, $"escaped-{id}"), Path.Combine(Server.DataDir, "docs-build", $"escaped-{id}")];
        var project = await Cargo.NewLibAsync($"docfs-{id}",
            packageFields: "build = \"build.rs\"",
            files: new Dictionary<string, string>
            {
                ["src/lib.rs"] = "/// Built in a sandbox.\npub struct Contained;\n",
                ["build.rs"] = FileProbeBuildScript(secret, outside),
            });
        await Cargo.PublishOkAsync(project, verify: false);

        var status = await WaitForBuildAsync(project.Name);
        var log = status["log"]!.GetValue<string>();
        Assert.True(status["status"]!.GetValue<string>() == "built", status.ToJsonString());
        Assert.Contains("probe: no read of the secret", log);
        Assert.DoesNotContain($"server-secret-{id}", log);
        Assert.DoesNotContain("probe: WROTE", log);
        foreach (var path in outside) Assert.False(File.Exists(path), $"the build script wrote {path}");
        // The server's data directory holds only the path down to the build's own scratch directory: its database,
        // blobs and the secret are out of sight.
        Assert.Contains("probe: data dir listed: [\"docs-build\"]", log);
        await AssertScratchEmpty();
    }

    [Fact]
    public async Task A_build_script_that_allocates_past_the_memory_limit_fails_the_build_with_a_clear_log_line()
    {
        // 3 GiB, never touched: without the limit the allocation succeeds (lazily, costing no real memory).
        var project = await Cargo.NewLibAsync($"docmem-{Ids.New()}",
            packageFields: "build = \"build.rs\"",
            files: new Dictionary<string, string>
            {
                ["src/lib.rs"] = "pub struct Greedy;\n",
                ["build.rs"] = "fn main() {\n    let v: Vec<u8> = vec![0u8; 3 << 30];\n    println!(\"cargo:warning=allocated {} bytes\", v.len());\n}\n",
            });
        await Cargo.PublishOkAsync(project, verify: false);

        var status = await WaitForBuildAsync(project.Name);
        var log = status["log"]!.GetValue<string>();
        Assert.True(status["status"]!.GetValue<string>() == "failed", status.ToJsonString());
        Assert.False(status["has_docs"]!.GetValue<bool>());
        Assert.Contains("memory allocation of 3221225472 bytes failed", log);
        Assert.Contains($"ran out of memory: Docs:Build:MemoryBytes allows {DocsBuilderServerFixture.MemoryBytes} bytes", log);
        Assert.DoesNotContain("allocated 3221225472 bytes", log);
        await AssertScratchEmpty();
    }

    /// <summary>A build.rs that reports, in cargo warnings, whether it could read <paramref name="secret"/>, list its folder and write <paramref name="outside"/>.</summary>
    internal static string FileProbeBuildScript(string secret, IEnumerable<string> outside)
    {
        var dataDir = Path.GetDirectoryName(secret)!;
        var writes = string.Concat(outside.Select(path =>
            $"    match std::fs::write({RustString(path)}, \"x\") {{ Ok(_) => println!(\"cargo:warning=probe: WROTE {{}}\", {RustString(path)}), Err(e) => println!(\"cargo:warning=probe: no write: {{e}}\") }}\n"));
        return "fn main() {\n" +
            $"    match std::fs::read_to_string({RustString(secret)}) {{ Ok(s) => println!(\"cargo:warning=probe: READ {{s}}\"), Err(e) => println!(\"cargo:warning=probe: no read of the secret: {{e}}\") }}\n" +
            $"    match std::fs::read_dir({RustString(dataDir)}) {{ Ok(d) => println!(\"cargo:warning=probe: data dir listed: {{:?}}\", d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect::<Vec<_>>()), Err(e) => println!(\"cargo:warning=probe: data dir not listed: {{e}}\") }}\n" +
            writes + "}\n";
    }

    private static string RustString(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private Task<JsonNode> WaitForBuildAsync(string name) => WaitForBuildAsync(Http, Server.AdminToken, name);

    /// <summary>Polls the status until the build is built or failed (polling with a deadline; the job runs on its own).</summary>
    internal static async Task<JsonNode> WaitForBuildAsync(RegistryClient http, string token, string name)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            var answer = await http.GetAsync($"/api/v1/docs/{name}/0.1.0/status", token, cancellationToken: Cancel);
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
            var status = JsonNode.Parse(answer.Body)!;
            if (status["status"]?.GetValue<string>() is "built" or "failed") return status;
            Assert.True(DateTime.UtcNow - started < BuildDeadline, $"the docs of {name} were not built within {BuildDeadline}:\n{answer.Body}");
            await Task.Delay(250, Cancel);
        }
    }

    private Task AssertScratchEmpty() => AssertScratchEmpty(Server.DataDir, Cancel);

    /// <summary>
    /// Every build removes its scratch directory. Polled: a publish also queues builds of the crate's dependencies
    /// published by the same test, which may still run when the crate the test waits for is built; a leftover directory
    /// never goes away and fails at the deadline.
    /// </summary>
    internal static async Task AssertScratchEmpty(string dataDir, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(dataDir, "docs-build");
        Assert.True(Directory.Exists(scratch), $"{scratch} does not exist: did a build run?");
        await Eventually.TrueAsync(() => !Directory.EnumerateFileSystemEntries(scratch).Any(),
            $"{scratch} still holds a build's files", BuildDeadline, cancellationToken);
    }

    /// <summary>
    /// No process of the killed build (cargo, rustc, the looping build script) is still running; with
    /// <paramref name="crate"/>, of that crate's build only (the next build in the queue may be running).
    /// </summary>
    internal static void AssertNoBuildProcessLeft(string dataDir, string? crate = null)
    {
        var marker = Path.Combine(dataDir, "docs-build") + "/" + (crate is null ? "" : crate + "-");
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            string commandLine;
            try { commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            Assert.False(commandLine.Contains(marker, StringComparison.Ordinal), $"a process of the killed build is still running: {commandLine}");
        }
    }
}

/// <summary>
/// Docs:Build:Sandbox=none: a build script that never ends is killed at Docs:Build:Timeout with every process of its
/// build (the process group: there is no PID namespace here), and a normal build works but is not contained.
/// </summary>
public sealed class DocsBuildTimeoutTests(ShortTimeoutDocsBuilderServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ShortTimeoutDocsBuilderServerFixture>
{
    [Fact]
    public async Task A_build_script_that_never_ends_is_killed_at_the_timeout_and_the_build_is_failed()
    {
        var project = await Cargo.NewLibAsync($"docloop-{Ids.New()}",
            packageFields: "build = \"build.rs\"",
            files: new Dictionary<string, string>
            {
                ["src/lib.rs"] = "pub struct Never;\n",
                ["build.rs"] = "fn main() { loop { std::hint::spin_loop(); } }\n",
            });
        await Cargo.PublishOkAsync(project, verify: false);

        var status = await DocsBuildTests.WaitForBuildAsync(Http, Server.AdminToken, project.Name);
        Assert.True(status["status"]!.GetValue<string>() == "failed", status.ToJsonString());
        Assert.False(status["has_docs"]!.GetValue<bool>());
        Assert.Contains("Docs:Build:Timeout", status["log"]!.GetValue<string>());
        Assert.Contains("killed", status["log"]!.GetValue<string>());
        DocsBuildTests.AssertNoBuildProcessLeft(Server.DataDir);
        await DocsBuildTests.AssertScratchEmpty(Server.DataDir, Cancel);

        // Anonymous callers see the state but not the log; the rebuild is the owners'.
        var anonymous = await Http.GetAsync($"/api/v1/docs/{project.Name}/0.1.0/status", cancellationToken: Cancel);
        Assert.True(anonymous.Status == HttpStatusCode.OK, anonymous.Describe());
        var view = JsonNode.Parse(anonymous.Body)!;
        Assert.Equal("failed", view["status"]!.GetValue<string>());
        Assert.Null(view["log"]);
        Assert.False(view["can_rebuild"]!.GetValue<bool>());
        var refused = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/docs/{project.Name}/0.1.0/rebuild"), null, Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);

        var rebuild = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/docs/{project.Name}/0.1.0/rebuild"), Server.AdminToken, Cancel);
        Assert.True(rebuild.Status == HttpStatusCode.Accepted, rebuild.Describe());
        var again = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/docs/{project.Name}/0.1.0/rebuild"), Server.AdminToken, Cancel);
        Assert.True(again.Status == HttpStatusCode.Conflict, again.Describe());
        Assert.Equal("application/problem+json", again.Message.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Without_the_sandbox_a_build_works_with_its_limits_but_its_build_script_can_read_the_servers_files()
    {
        var id = Ids.New();
        var secret = Path.Combine(Server.DataDir, $"secret-{id}.txt");
        await File.WriteAllTextAsync(secret, $"server-secret-{id}", Cancel);
        var project = await Cargo.NewLibAsync($"docnone-{id}",
            packageFields: "build = \"build.rs\"",
            files: new Dictionary<string, string>
            {
                ["src/lib.rs"] = "/// Built without a sandbox.\npub struct Uncontained;\n",
                ["build.rs"] = DocsBuildTests.FileProbeBuildScript(secret, []),
            });
        await Cargo.PublishOkAsync(project, verify: false);

        var status = await DocsBuildTests.WaitForBuildAsync(Http, Server.AdminToken, project.Name);
        var log = status["log"]!.GetValue<string>();
        Assert.True(status["status"]!.GetValue<string>() == "built", status.ToJsonString());
        Assert.DoesNotContain("(sandbox:", log);
        // The contrast with DocsBuildTests.A_build_script_can_neither_read_nor_write_outside_its_scratch_directory,
        // and why docs/rustdoc.md says to use `none` only when everyone who can publish is trusted.
        Assert.Contains($"probe: READ server-secret-{id}", log);
        var index = await Http.GetAsync($"/docs/{project.Name}/0.1.0/{project.RustName}/index.html", cancellationToken: Cancel);
        Assert.True(index.Status == HttpStatusCode.OK, index.Describe());
        Assert.Contains("Uncontained", index.Body);
        await DocsBuildTests.AssertScratchEmpty(Server.DataDir, Cancel);
    }
}
