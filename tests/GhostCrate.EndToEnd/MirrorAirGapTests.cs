using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The offline mirror end to end with the real cargo: crates published to a GhostCrate ("crates.io" here) are synced
/// into a mirror, exported as a signed bundle, imported on the "offline side", served by a second GhostCrate, and a
/// project with a fresh CARGO_HOME builds against it with nothing but `replace-with` for crates-io. Then an incremental
/// bundle carries a newly published version across.
/// </summary>
public sealed class MirrorAirGapTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Cargo_builds_offline_from_an_imported_mirror_and_an_increment_brings_a_new_version()
    {
        // The mirror never touches the database or blob store: one lane proves it.
        if (Server.Lane.Kind != BackendKind.Sqlite) Assert.Skip("the mirror is independent of the storage backends; it runs in the sqlite lane");

        var id = Ids.New();
        var a = await Cargo.NewLibAsync($"mir-a-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn a() -> u32 { 40 }\n" });
        await Cargo.PublishOkAsync(a, verify: false);
        var b = await Cargo.NewLibAsync($"mir-b-{id}", dependencies: $"{a.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn b() -> u32 {{ {a.RustName}::a() + 2 }}\n" });
        await Cargo.PublishOkAsync(b, verify: false);

        var work = TempDirs.Create("mirror-airgap");
        using var key = new Gpg();
        var online = Path.Combine(work, "online");
        var offline = Path.Combine(work, "offline");
        try
        {
            await MirrorCliAsync("mirror", "init", online, "--upstream", Server.CargoIndexUrl, "--crates", $"{a.Name},{b.Name}");
            await MirrorCliAsync("mirror", "sync", online, "--plain");
            await MirrorCliAsync("mirror", "export", online, "--out", Path.Combine(work, "full.tar"), "--key", key.SecretKeyFile);
            await MirrorCliAsync("mirror", "import", Path.Combine(work, "full.tar"), "--into", offline, "--trusted-key", key.PublicKeyFile);

            await using var mirror = await GhostCrateServer.StartAsync(new ServerOptions
            {
                Settings = new Dictionary<string, string> { ["GHOSTCRATE_Mirror__Directory"] = offline },
            }, Cancel);
            var consumer = NewSandbox(token: null);
            // A fresh CARGO_HOME whose only way to crates.io is the mirror.
            await File.WriteAllTextAsync(Path.Combine(consumer.CargoHome, "config.toml"), $"""
                [source.crates-io]
                replace-with = "offline-mirror"

                [source.offline-mirror]
                registry = "sparse+{mirror.BaseUrl}mirror/index/"
                """, Cancel);
            var app = await consumer.NewLibAsync($"mir-app-{id}", dependencies: $"{b.Name} = \"0.1\"",
                files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn answer() -> u32 {{ {b.RustName}::b() }}\n#[cfg(test)]\nmod tests {{ #[test] fn works() {{ assert_eq!(super::answer(), 42); }} }}\n" });

            var test = await consumer.RunOkAsync(app.Directory, ["test"]);
            Assert.Contains("test tests::works ... ok", test.StdOut);
            Assert.Equal("0.1.0", CargoSandbox.LockedVersion(app, a.Name));
            // Cargo records the packages as coming from crates.io: the mirror is a transparent replacement.
            Assert.Contains("source = \"registry+https://github.com/rust-lang/crates.io-index\"", await File.ReadAllTextAsync(app.LockPath, Cancel));

            var a2 = await Cargo.NewLibAsync($"mir-a-{id}", version: "0.1.1", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn a() -> u32 { 40 }\n" });
            await Cargo.PublishOkAsync(a2, verify: false);
            await MirrorCliAsync("mirror", "sync", online, "--plain");
            await MirrorCliAsync("mirror", "export", online, "--out", Path.Combine(work, "inc.tar"), "--key", key.SecretKeyFile, "--since", "latest");
            var imported = await MirrorCliAsync("mirror", "import", Path.Combine(work, "inc.tar"), "--into", offline, "--trusted-key", key.PublicKeyFile);
            Assert.Contains("Imported mark 2 (after mark 1)", imported.StdOut);

            await consumer.RunOkAsync(app.Directory, ["update", "-p", a.Name]);
            Assert.Equal("0.1.1", CargoSandbox.LockedVersion(app, a.Name));
            await consumer.RunOkAsync(app.Directory, ["build"]);
        }
        finally
        {
            TempDirs.Delete(work);
        }
    }

    private async Task<ProcessResult> MirrorCliAsync(params string[] args)
    {
        var result = await Server.RunCliAsync(args, cancellationToken: Cancel);
        Assert.True(result.Succeeded, $"`ghostcrate {string.Join(' ', args)}` failed:\n{result.Describe()}");
        return result;
    }
}
