using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>
/// `mirror init --crates NAME --resolve` end to end: a real GhostCrate upstream holds a crate whose dependencies use a
/// plain requirement, a rename, a build script dependency, an optional feature and a Windows-only target; the mirror
/// syncs only the named crate with its closure, the upstream is stopped, and the real cargo builds a new project
/// depending on the named crate from the served mirror alone.
/// </summary>
public sealed class ResolvedSelectionCargoTests : IAsyncLifetime
{
    private readonly string _work = TempDir.Create("resolved-cargo");
    private UpstreamRegistry _upstream = null!;
    private MirrorHarness _mirror = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await UpstreamRegistry.StartAsync();
        _mirror = new MirrorHarness(Path.Combine(_work, "mirror"));
    }

    public async ValueTask DisposeAsync()
    {
        await _mirror.DisposeAsync();
        await _upstream.DisposeAsync();
        TempDir.Delete(_work);
    }

    private Task Lib(string name, string version, string code, string dependencies = "", object[]? deps = null, Dictionary<string, string>? more = null)
    {
        var files = new Dictionary<string, string>(more ?? [])
        {
            ["Cargo.toml"] = $"[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\nlicense = \"MIT\"\n\n{dependencies}",
            ["src/lib.rs"] = code,
        };
        return _upstream.PublishAsync(name, version, deps: deps, files: files);
    }

    [Fact]
    public async Task Cargo_builds_a_named_crate_and_its_transitive_dependencies_from_the_resolved_mirror_with_the_upstream_stopped()
    {
        await Lib("rz-base", "1.0.0", "pub fn base() -> u32 { 1 }\n");
        await Lib("rz-base", "1.1.0", "pub fn base() -> u32 { 30 }\n");
        await Lib("rz-base", "2.0.0", "pub fn base() -> u32 { 0 }\n");
        await Lib("rz-helper", "1.0.0", "pub fn help() -> u32 { rz_base::base() / 3 }\n",
            "[dependencies]\nrz-base = \"1.0\"\n", [CrateFileBuilder.Dependency("rz-base", "^1.0")]);
        await Lib("rz-build", "0.1.0", "pub fn value() -> &'static str { \"2\" }\n");
        await Lib("rz-win", "1.0.0", "pub fn win() -> u32 { 0 }\n");
        await Lib("rz-opt", "1.0.0", "pub fn extra() -> u32 { 0 }\n");
        await Lib("rz-unrelated", "1.0.0", "pub fn nothing() {}\n");
        await Lib("rz-top", "0.1.0",
            "pub fn top() -> u32 { rz_base::base() + helper::help() + env!(\"RZ_BUILD\").parse::<u32>().unwrap() }\n",
            "[dependencies]\nrz-base = \"1.1\"\nhelper = { package = \"rz-helper\", version = \"1\" }\nrz-opt = { version = \"1\", optional = true }\n\n" +
            "[build-dependencies]\nrz-build = \"0.1\"\n\n[target.'cfg(windows)'.dependencies]\nrz-win = \"1\"\n",
            [
                CrateFileBuilder.Dependency("rz-base", "^1.1"),
                CrateFileBuilder.Dependency("rz-helper", "^1", rename: "helper"),
                CrateFileBuilder.Dependency("rz-opt", "^1", optional: true),
                CrateFileBuilder.Dependency("rz-build", "^0.1", kind: "build"),
                CrateFileBuilder.Dependency("rz-win", "^1", target: "cfg(windows)"),
            ],
            new Dictionary<string, string> { ["build.rs"] = "fn main() { println!(\"cargo:rustc-env=RZ_BUILD={}\", rz_build::value()); }\n" });

        var init = await MirrorHarness.CliAsync("mirror", "init", _mirror.Root, "--upstream", _upstream.SparseIndexUrl, "--crates", "rz-top", "--resolve");
        Assert.True(init.Exit == 0, init.Out + init.Err);
        Assert.Contains("\"resolve\": \"all\"", await File.ReadAllTextAsync(Path.Combine(_mirror.Root, "mirror.json")));
        var sync = await MirrorHarness.CliAsync("mirror", "sync", _mirror.Root, "--plain");
        Assert.True(sync.Exit == 0, sync.Out + sync.Err);

        Assert.Equal(["0.1.0"], _mirror.ServedVersions("rz-top"));
        // rz-top asks ^1.1 and rz-helper ^1.0: every version either requirement matches, never 2.0.0.
        Assert.Equal(["1.0.0", "1.1.0"], _mirror.ServedVersions("rz-base"));
        foreach (var name in new[] { "rz-helper", "rz-win", "rz-opt" }) Assert.Equal(["1.0.0"], _mirror.ServedVersions(name));
        Assert.Equal(["0.1.0"], _mirror.ServedVersions("rz-build"));
        Assert.Empty(_mirror.ServedVersions("rz-unrelated"));
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "verify", _mirror.Root)).Exit);

        await _upstream.DisposeAsync();
        _upstream = await UpstreamRegistry.StartAsync(); // an empty "crates.io": the original is gone
        await using var server = await MirrorServer.StartAsync(_mirror.Root);
        var build = await CargoBuildAsync(server.BaseAddress, "rz-top = { version = \"0.1\", features = [\"rz-opt\"] }",
            "pub fn answer() -> u32 { rz_top::top() }\n#[test]\nfn adds_up() { assert_eq!(answer(), 42); }\n");

        Assert.True(build.Exit == 0, build.Output);
        Assert.Contains("rz-base v1.1.0", build.Output);
        Assert.Contains("rz-build v0.1.0", build.Output);
        Assert.Contains("rz-opt v1.0.0", build.Output);
        Assert.Contains("test adds_up ... ok", build.Output);
    }

    [Fact]
    public async Task Without_resolve_the_named_crate_alone_is_mirrored_and_cargo_cannot_resolve_its_dependency()
    {
        await Lib("nr-base", "1.0.0", "pub fn base() -> u32 { 42 }\n");
        await Lib("nr-top", "0.1.0", "pub fn top() -> u32 { nr_base::base() }\n", "[dependencies]\nnr-base = \"1\"\n", [CrateFileBuilder.Dependency("nr-base", "^1")]);
        var init = await MirrorHarness.CliAsync("mirror", "init", _mirror.Root, "--upstream", _upstream.SparseIndexUrl, "--crates", "nr-top");
        Assert.True(init.Exit == 0, init.Out + init.Err);
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "sync", _mirror.Root, "--plain")).Exit);
        Assert.Empty(_mirror.ServedVersions("nr-base"));

        await _upstream.DisposeAsync();
        _upstream = await UpstreamRegistry.StartAsync();
        await using var server = await MirrorServer.StartAsync(_mirror.Root);
        var build = await CargoBuildAsync(server.BaseAddress, "nr-top = \"0.1\"", "pub fn answer() -> u32 { nr_top::top() }\n");

        Assert.NotEqual(0, build.Exit);
        Assert.Contains("nr-base", build.Output);
    }

    private Task<(int Exit, string Output)> CargoBuildAsync(Uri server, string dependency, string code) =>
        OfflineCargo.RunAsync(_work, server, "rz-app", dependency, code, "test");
}
