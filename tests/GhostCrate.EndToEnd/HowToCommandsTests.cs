using System.Text;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The HOWTOs of docs/ run as written with the `ghostcrate` that scripts/install.sh installed, found on PATH: each
/// command is taken from the document's own code block (<see cref="DocBlocks"/>), so a doc change that breaks a command
/// fails here. Only hosts, ports and paths are replaced with local ones, and the upstreams are local: the class's
/// GhostCrate plays crates.io for the mirror and the proxy, a git repository holding the RustSec data plays GitHub.
/// Commands that cannot run offline or unattended are named where they are left out. docs/backup-and-restore.md runs
/// in <see cref="InstallTests"/>. docs/toolchains.md runs against a synthesized, signed dist tree (<see cref="SyntheticDist"/>)
/// on a local static server standing in for static.rust-lang.org, and ends with the real rustup.
/// </summary>
[Collection(InstalledGhostCrate.Collection)]
public sealed class HowToCommandsTests(ServerFixture fixture, InstalledGhostCrate installed) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    private static Dictionary<string, string> Lib(string body) => new() { ["src/lib.rs"] = $"pub fn v() -> u32 {{ {body} }}\n" };

    /// <summary>
    /// docs/mirror-in-10-minutes.md (init with --resolve, sync, verify, diff, sidecars), docs/air-gapped-restore.md
    /// (full and incremental export, import on the offline side, serve, cargo's configuration) and
    /// docs/periodic-delta-sync.md (the dated export): cargo with nothing but the documented configuration then builds
    /// a project against the offline side. The signing key comes from air-gapped-restore.md's gpg block in a throwaway
    /// GNUPGHOME whose gpg.conf answers gpg's passphrase prompt with an empty passphrase, as an operator pressing Enter
    /// would. Left out: the curl calls of the admin API.
    /// </summary>
    [Fact]
    public async Task The_mirror_and_air_gap_howtos_run_as_written_and_cargo_builds_from_the_offline_side()
    {
        _ = installed.Install;
        var id = Ids.New();
        var a = await Cargo.NewLibAsync($"howto-a-{id}", files: Lib("40"));
        await Cargo.PublishOkAsync(a, verify: false);
        var b = await Cargo.NewLibAsync($"howto-b-{id}", dependencies: $"{a.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn b() -> u32 {{ {a.RustName}::v() + 2 }}\n" });
        await Cargo.PublishOkAsync(b, verify: false);

        var work = TempDirs.Create("howto-mirror");
        var gnupg = Directory.CreateDirectory(Path.Combine(work, "gnupg")).FullName;
        var withGpg = new Dictionary<string, string?>(installed.Environment) { ["GNUPGHOME"] = gnupg };
        try
        {
            // /srv on the connected machine, /srv on the offline one, the USB stick, /etc/ghostcrate.
            var connected = Directory.CreateDirectory(Path.Combine(work, "connected")).FullName;
            var offline = Directory.CreateDirectory(Path.Combine(work, "offline")).FullName;
            var usb = Directory.CreateDirectory(Path.Combine(work, "usb")).FullName;
            var etc = Directory.CreateDirectory(Path.Combine(work, "etc")).FullName;
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(gnupg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await File.WriteAllTextAsync(Path.Combine(gnupg, "gpg.conf"), "batch\npinentry-mode loopback\npassphrase-fd 0\n", Cancel);
            var airGap = DocBlocks.Load("docs/air-gapped-restore.md");
            await RunAsync(work, command => command, withGpg, airGap.Block("gpg --quick-gen-key"));
            File.Copy(Path.Combine(work, "mirror-secret.asc"), Path.Combine(etc, "mirror-secret.asc"));

            var tenMinutes = DocBlocks.Load("docs/mirror-in-10-minutes.md");
            var periodic = DocBlocks.Load("docs/periodic-delta-sync.md");
            var metricsPort = GhostCrateServer.FreePort();
            // crates.io's sparse index is this class's GhostCrate; serde_json and clap are the crate published above
            // (--resolve brings the one it depends on).
            string Connected(string command) => command
                .Replace("/srv/", connected + "/", StringComparison.Ordinal)
                .Replace("sparse+https://index.crates.io/", Server.CargoIndexUrl, StringComparison.Ordinal)
                .Replace("--crates serde_json,clap", $"--crates {b.Name}", StringComparison.Ordinal)
                .Replace("/media/usb", usb, StringComparison.Ordinal)
                .Replace("/etc/ghostcrate", etc, StringComparison.Ordinal)
                .Replace("127.0.0.1:9184", $"127.0.0.1:{metricsPort}", StringComparison.Ordinal);

            var syncBlock = tenMinutes.Block("ghostcrate mirror sync /srv/mirror ");
            await RunAsync(work, Connected,
                tenMinutes.Command("ghostcrate mirror init /srv/mirror --upstream sparse+https://index.crates.io/ --crates serde_json,clap --resolve"),
                syncBlock,
                tenMinutes.Block("ghostcrate mirror verify /srv/mirror"));
            Assert.True(File.Exists(Path.Combine(connected, "mirror", "crates", a.Name, $"{a.Name}-0.1.0.crate")), "--resolve did not bring the dependency");

            var exports = airGap.Block("ghostcrate mirror export /srv/mirror --out full.tar");
            await RunAsync(work, Connected, airGap.Line(exports, "ghostcrate mirror export /srv/mirror --out full.tar"));
            // A new version upstream, synced with the documented command, travels in the increment.
            var a2 = await Cargo.NewLibAsync($"howto-a-{id}", version: "0.1.1", files: Lib("40"));
            await Cargo.PublishOkAsync(a2, verify: false);
            await RunAsync(work, Connected,
                DocBlocks.Commands(syncBlock)[0],
                airGap.Line(exports, "ghostcrate mirror export /srv/mirror --out delta-2.tar"),
                periodic.Command("ghostcrate mirror export /srv/mirror --out /media/usb/mirror-$(date +%F).tar"));
            Assert.Single(Directory.GetFiles(usb, "mirror-*.tar"));

            // The offline side: the USB stick holds what the connected side wrote in its working directory.
            var port = GhostCrateServer.FreePort();
            var atOffline = OfflineSide(offline, work, port);
            var import = airGap.Block("ghostcrate mirror import /media/usb/full.tar");
            var imported = await RunAsync(work, atOffline,
                airGap.Line(import, "ghostcrate mirror import /media/usb/full.tar"),
                airGap.Line(import, "ghostcrate mirror import /media/usb/delta-2.tar"),
                DocBlocks.Commands(tenMinutes.Block("ghostcrate mirror verify /srv/mirror"))[0]);
            Assert.Contains("Imported mark 2 (after mark 1)", imported.StdOut);

            await using var served = await BackgroundCommand.StartAsync(atOffline(airGap.Line(import, "GHOSTCRATE_Mirror__Directory=/srv/mirror")),
                work, installed.Environment, Cancel, port);
            var consumer = NewSandbox(token: null);
            var cargoConfig = DocBlocks.Load("docs/air-gapped-restore.md", "toml").Block("# $CARGO_HOME/config.toml");
            await File.WriteAllTextAsync(Path.Combine(consumer.CargoHome, "config.toml"), atOffline(cargoConfig), Cancel);
            var app = await consumer.NewLibAsync($"howto-app-{id}", dependencies: $"{b.Name} = \"0.1\"",
                files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn answer() -> u32 {{ {b.RustName}::b() }}\n" });
            await consumer.RunOkAsync(app.Directory, ["build"]);
            Assert.Equal("0.1.1", CargoSandbox.LockedVersion(app, a.Name));
        }
        finally
        {
            // gpg-agent started for this GNUPGHOME: ask it to go before its folder does.
            await ProcessRunner.RunAsync("gpgconf", ["--kill", "gpg-agent"], work, withGpg, cancellationToken: CancellationToken.None);
            TempDirs.Delete(work);
        }
    }

    /// <summary>
    /// docs/toolchains.md as written: the release key fetched and shown (step 1), the documented sync (step 2), the
    /// air-gap block (step 4: crates and toolchains in one directory, one bundle, imported, verified and served on the
    /// offline side) and the rustup block (step 5) run by the real rustup 1.29 in a temporary RUSTUP_HOME and CARGO_HOME
    /// with the dist server stopped. Then a new stable release is synced with step 2's command, carried over in an
    /// increment (air-gapped-restore.md's delta lines), and the block's `rustup update` installs it. static.rust-lang.org
    /// is a local static server holding a synthesized dist tree signed by a test gpg key (published as
    /// rust-key.gpg.ascii, the document's key URL); `--dist-server` names that server, because the documented default is
    /// the real one. Its rustup-init is the machine's rustup published as 1.29.1, so `rustup self update` really updates.
    /// Left out: the inline curl of rustup-init for a new machine (prose, not a block) and step 6 (rustup refusing a name).
    /// </summary>
    [Fact]
    public async Task The_toolchain_howto_runs_as_written_and_rustup_installs_and_updates_from_the_offline_side()
    {
        _ = installed.Install;
        var lib = await Cargo.NewLibAsync($"howto-tc-{Ids.New()}", files: Lib("7"));
        await Cargo.PublishOkAsync(lib, verify: false);

        var work = TempDirs.Create("howto-toolchains");
        var gnupg = Directory.CreateDirectory(Path.Combine(work, "gnupg")).FullName;
        var withGpg = new Dictionary<string, string?>(installed.Environment) { ["GNUPGHOME"] = gnupg };
        using var releaseKey = new Gpg();
        using var dist = new SyntheticDist(releaseKey, extraHosts: ["x86_64-pc-windows-msvc"]);
        File.Copy(releaseKey.PublicKeyFile, dist.Full("rust-key.gpg.ascii"));
        var machineRustup = RustTools.Find("rustup");
        dist.WriteRustupRelease("1.29.1");
        dist.WriteRustupInit("1.29.1", SyntheticDist.Host, await File.ReadAllBytesAsync(machineRustup, Cancel));
        StaticDistServer? upstream = await StaticDistServer.StartAsync(dist.Root);
        try
        {
            var connected = Directory.CreateDirectory(Path.Combine(work, "connected")).FullName;
            var offline = Directory.CreateDirectory(Path.Combine(work, "offline")).FullName;
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(gnupg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await File.WriteAllTextAsync(Path.Combine(gnupg, "gpg.conf"), "batch\npinentry-mode loopback\npassphrase-fd 0\n", Cancel);
            var toolchains = DocBlocks.Load("docs/toolchains.md");
            var airGap = DocBlocks.Load("docs/air-gapped-restore.md");
            var tenMinutes = DocBlocks.Load("docs/mirror-in-10-minutes.md");
            var distUrl = () => upstream!.BaseAddress.AbsoluteUri.TrimEnd('/');
            string Connected(string command)
            {
                command = command
                    .Replace("https://static.rust-lang.org", distUrl(), StringComparison.Ordinal)
                    .Replace("/srv/", connected + "/", StringComparison.Ordinal)
                    .Replace("sparse+https://index.crates.io/", Server.CargoIndexUrl, StringComparison.Ordinal)
                    .Replace("--crates serde_json,clap", $"--crates {lib.Name}", StringComparison.Ordinal);
                return command.StartsWith("ghostcrate toolchain sync ", StringComparison.Ordinal) ? $"{command} --dist-server {distUrl()}" : command;
            }
            var port = GhostCrateServer.FreePort();
            var atOffline = OfflineSide(offline, work, port);

            // Step 1, and the mirror's own bundle key (air-gapped-restore.md).
            var key = await RunAsync(work, Connected, withGpg, toolchains.Block("curl -fsSLo rust-key.asc"));
            Assert.Contains("GhostCrate Test", key.StdOut);
            await RunAsync(work, command => command, withGpg, airGap.Block("gpg --quick-gen-key"));

            // Step 2 into a directory that already mirrors crates (mirror-in-10-minutes.md's init).
            await RunAsync(work, Connected, tenMinutes.Command("ghostcrate mirror init /srv/mirror --upstream sparse+https://index.crates.io/ --crates serde_json,clap --resolve"));
            var sync = toolchains.Block("ghostcrate toolchain sync /srv/mirror --key rust-key.asc");
            var synced = await RunAsync(work, Connected, sync);
            Assert.Contains("stable: Rust 1.95.0 (2026-04-16)", synced.StdOut);
            Assert.Contains("1.95: Rust 1.95.0 (2026-04-16)", synced.StdOut);

            // Step 4: the connected side's lines, then the offline side's.
            var airGapBlock = toolchains.Block("# connected side");
            var carried = await RunAsync(work, Connected,
                toolchains.Line(airGapBlock, "ghostcrate mirror sync /srv/mirror"),
                toolchains.Line(airGapBlock, "ghostcrate toolchain sync /srv/mirror"),
                toolchains.Line(airGapBlock, "ghostcrate mirror export /srv/mirror --out full.tar"));
            Assert.Contains("Nothing changed; the served state is as it was", carried.StdOut);
            await RunAsync(work, atOffline,
                toolchains.Line(airGapBlock, "ghostcrate mirror import full.tar"),
                toolchains.Line(airGapBlock, "ghostcrate mirror verify /srv/mirror"));
            await upstream.DisposeAsync();
            upstream = null;
            await using var served = await BackgroundCommand.StartAsync(atOffline(toolchains.Line(airGapBlock, "GHOSTCRATE_Mirror__Directory=/srv/mirror")),
                work, installed.Environment, Cancel, port);

            // Step 5 with the real rustup, installed in a temporary CARGO_HOME (rustup wants to live there).
            var cargoHome = Directory.CreateDirectory(Path.Combine(work, "rustup", "cargo")).FullName;
            Directory.CreateDirectory(Path.Combine(cargoHome, "bin"));
            File.Copy(machineRustup, Path.Combine(cargoHome, "bin", "rustup"));
            var rustupEnvironment = new Dictionary<string, string?>(installed.Environment)
            {
                ["RUSTUP_HOME"] = Path.Combine(work, "rustup", "home"),
                ["CARGO_HOME"] = cargoHome,
                ["PATH"] = $"{Path.Combine(cargoHome, "bin")}:{installed.Environment["PATH"]}",
                ["RUSTUP_TOOLCHAIN"] = null,
            };
            var rustupBlock = toolchains.Block("export RUSTUP_DIST_SERVER=");
            var exports = DocBlocks.Commands(rustupBlock).Where(c => c.StartsWith("export ", StringComparison.Ordinal)).ToList();
            var update = toolchains.Line(rustupBlock, "rustup update");
            var installedToolchains = await RunAsync(work, atOffline, rustupEnvironment,
                string.Join('\n', DocBlocks.Commands(rustupBlock).Where(c => c != update)));
            Assert.Contains("1.29.1", installedToolchains.StdOut + installedToolchains.StdErr);
            var toolchain = Path.Combine(work, "rustup", "home", "toolchains", $"stable-{SyntheticDist.Host}");
            Assert.True(File.Exists(Path.Combine(toolchain, "lib", "rustlib", SyntheticDist.Cross, "lib", "libstd-synthetic.rlib")), "rustup target add");
            Assert.True(File.Exists(Path.Combine(toolchain, "lib", "rustlib", "src", "rust", "library", "std", "src", "lib.rs")), "rustup component add");
            Assert.True(Directory.Exists(Path.Combine(work, "rustup", "home", "toolchains", $"1.95-{SyntheticDist.Host}")), "rustup toolchain install 1.95");

            // A new stable release, synced with step 2's command and carried over in an increment; `rustup update` takes it.
            dist.Publish("1.96.0", "2026-05-28");
            upstream = await StaticDistServer.StartAsync(dist.Root);
            await RunAsync(work, Connected, sync, airGap.Line(airGap.Block("ghostcrate mirror export /srv/mirror --out full.tar"), "ghostcrate mirror export /srv/mirror --out delta-2.tar"));
            await upstream.DisposeAsync();
            upstream = null;
            await RunAsync(work, atOffline, airGap.Line(airGap.Block("ghostcrate mirror import /media/usb/full.tar"), "ghostcrate mirror import /media/usb/delta-2.tar"));
            await RunAsync(work, atOffline, rustupEnvironment, string.Join('\n', exports.Append(update)));
            var version = await RunAsync(work, command => command, rustupEnvironment, "rustup run stable rustc --version");
            Assert.Contains("rustc 1.96.0 (5ynth371c 2026-05-28)", version.StdOut);
        }
        finally
        {
            if (upstream is not null) await upstream.DisposeAsync();
            await ProcessRunner.RunAsync("gpgconf", ["--kill", "gpg-agent"], work, withGpg, cancellationToken: CancellationToken.None);
            TempDirs.Delete(work);
        }
    }

    /// <summary>
    /// docs/toolchains.md section 6 as written: rustup refusing the custom name, the upload with the CLI and with curl
    /// (the synthesized release's component archives in `build/dist`, named as the document names them), the install
    /// that links the build into the real rustup 1.29 (a temporary RUSTUP_HOME and CARGO_HOME, rustup's `cargo` proxy on
    /// PATH) after which `cargo +acme-1.95-patched` runs the build's cargo, and the delete. The server is this class's
    /// GhostCrate (`mirror-host:8000`); `gcr_...` is its administrator's token.
    /// </summary>
    [Fact]
    public async Task The_custom_toolchain_howto_runs_as_written_and_rustup_runs_the_uploaded_build()
    {
        _ = installed.Install;
        var work = TempDirs.Create("howto-custom-toolchain");
        using var key = new Gpg();
        using var dist = new SyntheticDist(key);
        try
        {
            var build = Directory.CreateDirectory(Path.Combine(work, "build", "dist")).FullName;
            foreach (var archive in dist.Archives.Keys.Where(a => !a.Contains(SyntheticDist.Unmirrored, StringComparison.Ordinal)))
                File.Copy(dist.Full(archive), Path.Combine(build, Path.GetFileName(archive)));
            var toolchains = DocBlocks.Load("docs/toolchains.md");
            string Local(string command) => command
                .Replace("http://mirror-host:8000", Server.BaseUrl.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal)
                .Replace("gcr_...", Server.AdminToken, StringComparison.Ordinal)
                .Replace("-1.95.0-dev-", "-1.95.0-", StringComparison.Ordinal);

            var cargoHome = Directory.CreateDirectory(Path.Combine(work, "rustup", "cargo")).FullName;
            Directory.CreateDirectory(Path.Combine(cargoHome, "bin"));
            File.Copy(RustTools.Find("rustup"), Path.Combine(cargoHome, "bin", "rustup"));
            File.Copy(RustTools.Find("rustup"), Path.Combine(cargoHome, "bin", "cargo"));
            var environment = new Dictionary<string, string?>(installed.Environment)
            {
                ["RUSTUP_HOME"] = Path.Combine(work, "rustup", "home"),
                ["CARGO_HOME"] = cargoHome,
                ["PATH"] = $"{Path.Combine(cargoHome, "bin")}:{installed.Environment["PATH"]}",
                ["RUSTUP_TOOLCHAIN"] = null,
                ["XDG_DATA_HOME"] = Path.Combine(work, "data"),
                ["GHOSTCRATE_TOKEN"] = null,
            };

            var refused = await RunCommandAsync(work, toolchains.Command("rustup toolchain install acme-1.95-patched"), environment);
            Assert.False(refused.Succeeded, refused.Describe());
            Assert.Contains("invalid toolchain name: 'acme-1.95-patched'", refused.StdErr, StringComparison.Ordinal);

            var uploaded = await RunAsync(work, Local, environment, toolchains.Block("export GHOSTCRATE_TOKEN=gcr_..."),
                toolchains.Block("curl -fsS -X PUT -H \"Authorization: $GHOSTCRATE_TOKEN\""));
            Assert.Contains("Uploaded acme-1.95-patched (1.95.0-acme.1, x86_64-unknown-linux-gnu)", uploaded.StdOut, StringComparison.Ordinal);
            Assert.Contains("\"name\":\"acme-1.95-patched\"", uploaded.StdOut, StringComparison.Ordinal);

            var installedBuild = await RunAsync(work, Local, environment, toolchains.Block("ghostcrate toolchain install acme-1.95-patched"));
            Assert.Contains("cargo 1.95.0 (5ynth371c 2026-04-16)", installedBuild.StdOut, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(work, "data", "ghostcrate", "toolchains", "acme-1.95-patched", "bin", "rustc")));

            var deleted = await RunAsync(work, Local, environment, toolchains.Line(toolchains.Block("export GHOSTCRATE_TOKEN=gcr_..."), "export GHOSTCRATE_TOKEN"),
                toolchains.Block("ghostcrate toolchain delete acme-1.95-patched"));
            Assert.Contains("Deleted the custom toolchain acme-1.95-patched", deleted.StdOut, StringComparison.Ordinal);
            var again = await RunCommandAsync(work, Local(toolchains.Command("ghostcrate toolchain install acme-1.95-patched")), environment);
            Assert.False(again.Succeeded, again.Describe());
            Assert.Contains("serves no custom toolchain `acme-1.95-patched`", again.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            TempDirs.Delete(work);
        }
    }

    /// <summary>
    /// docs/proxy.md: the documented `env ... ghostcrate serve`, warming by crate names and by a lock file with the same
    /// configuration, and cargo with the documented source replacement building through the proxy. crates.io is this
    /// class's GhostCrate (holding serde and tokio), configured with the upstream settings the document shows for any
    /// upstream (IndexUrl, ApiUrl). Left out: the warm line of the `internal-mirror` upstream and the curl call.
    /// </summary>
    [Fact]
    public async Task The_proxy_howto_runs_as_written_and_cargo_builds_through_the_proxy()
    {
        _ = installed.Install;
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync("serde", "1.0.0", files: Lib("1")), verify: false);
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync("tokio", "1.40.0", files: Lib("140")), verify: false);
        var proxy = DocBlocks.Load("docs/proxy.md");
        var work = TempDirs.Create("howto-proxy");
        try
        {
            var cratesIo = new Dictionary<string, string?>(installed.Environment)
            {
                ["GHOSTCRATE_Proxy__Upstreams__crates-io__IndexUrl"] = $"{Server.BaseUrl}index/",
                ["GHOSTCRATE_Proxy__Upstreams__crates-io__ApiUrl"] = Server.BaseUrl.AbsoluteUri.TrimEnd('/'),
                // Loopback must never go through a proxy a developer or CI machine may have configured.
                ["NO_PROXY"] = "127.0.0.1,localhost",
                ["no_proxy"] = "127.0.0.1,localhost",
            };
            await using var served = await BackgroundCommand.StartAsync(proxy.Command("env GHOSTCRATE_Proxy__Enabled=true"), work, cratesIo, Cancel);

            // "Same configuration as `serve`": the variables the serve line set, for the warm commands.
            var sameAsServe = new Dictionary<string, string?>(cratesIo)
            {
                ["GHOSTCRATE_Proxy__Enabled"] = "true",
                ["GHOSTCRATE_Proxy__Upstreams__crates-io__Ttl"] = "00:05:00",
            };
            Directory.CreateDirectory(Path.Combine(work, "path", "to"));
            await WriteLockFileAsync(Path.Combine(work, "path", "to", "Cargo.lock"), "serde", "1.0.0");
            var warm = proxy.Block("# On the server");
            var warmed = await RunAsync(work, command => command, sameAsServe,
                proxy.Line(warm, "ghostcrate proxy warm serde tokio@1.40.0"),
                proxy.Line(warm, "ghostcrate proxy warm --lock path/to/Cargo.lock"));
            Assert.Contains("Fetched", warmed.StdOut);

            var consumer = NewSandbox(token: null);
            var cargoConfig = DocBlocks.Load("docs/proxy.md", "toml").Block("[source.crates-io]");
            await File.WriteAllTextAsync(Path.Combine(consumer.CargoHome, "config.toml"),
                cargoConfig.Replace("https://crates.example.com", $"http://127.0.0.1:{served.Port}", StringComparison.Ordinal), Cancel);
            var app = await consumer.NewLibAsync($"howto-proxy-app-{Ids.New()}", dependencies: "serde = \"1\"\ntokio = \"1.40\"",
                files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn answer() -> u32 { serde::v() + tokio::v() }\n" });
            await consumer.RunOkAsync(app.Directory, ["build"]);
            Assert.Equal("1.40.0", CargoSandbox.LockedVersion(app, "tokio"));
        }
        finally
        {
            TempDirs.Delete(work);
        }
    }

    /// <summary>
    /// docs/security.md's advisory commands: clone the RustSec database and sync it, sync it from its git URL and from a tarball, audit a lock
    /// file (exit 1 for an affected version), the lock file's SBOM, the allow-list and the quarantine exemptions, and the
    /// advisory and audit routes of the server it documents. A documented date that has passed is moved to a later one
    /// (the commands refuse dates in the past by design).
    /// </summary>
    [Fact]
    public async Task The_advisory_howtos_run_as_written_against_the_rustsec_database()
    {
        _ = installed.Install;
        var work = TempDirs.Create("howto-advisories");
        try
        {
            // GitHub's advisory-db: a local git repository holding the same files.
            // Named like GitHub's, so that `git clone` makes the advisory-db folder the next command reads.
            var upstream = Path.Combine(work, "github", "advisory-db.git");
            await MakeGitRepositoryAsync(RustSecDatabase.Location(), upstream);
            var security = DocBlocks.Load("docs/security.md");
            string Here(string command) => FutureDates(command)
                .Replace("https://github.com/rustsec/advisory-db.git", "file://" + upstream, StringComparison.Ordinal);

            var first = await RunAsync(work, Here, security.Block("git clone https://github.com/rustsec/advisory-db.git"));
            Assert.Matches(@"(\d+) advisories read: \1 added, 0 updated, 0 removed, 0 unchanged", first.StdOut);
            // The same database straight from its git URL (cloned into a temporary directory): nothing changes.
            var cloned = await RunAsync(work, Here, security.Block("ghostcrate advisories sync --from https://github.com/rustsec/advisory-db.git"));
            Assert.Matches(@"(\d+) advisories read: 0 added, 0 updated, 0 removed, \1 unchanged", cloned.StdOut);
            // The tarball of the same database: the second sync changes nothing.
            var again = await RunAsync(work, Here, security.Block("tar -czf advisory-db.tar.gz advisory-db"));
            Assert.Matches(@"(\d+) advisories read: 0 added, 0 updated, 0 removed, \1 unchanged", again.StdOut);

            // A project locked to smallvec 1.6.0, which RUSTSEC-2021-0003 affects (1.6.1 is patched).
            await WriteLockFileAsync(Path.Combine(work, "Cargo.lock"), "smallvec", "1.6.0");
            var audit = await RunCommandAsync(work, Here(security.Command("ghostcrate audit Cargo.lock")));
            Assert.True(audit.ExitCode == 1, $"an affected lock file must exit 1:\n{audit.Describe()}");
            Assert.Contains("RUSTSEC-2021-0003", audit.StdOut);

            await RunAsync(work, Here,
                security.Block("ghostcrate sbom Cargo.lock"),
                security.Block("ghostcrate advisories allow RUSTSEC-2021-0003"),
                security.Block("ghostcrate proxy quarantine exempt serde"));
            Assert.Contains("smallvec", await File.ReadAllTextAsync(Path.Combine(work, "sbom.cdx.json"), Cancel));
            Assert.Contains("SPDX-2.3", await File.ReadAllTextAsync(Path.Combine(work, "sbom.spdx.json"), Cancel));

            await using var served = await BackgroundCommand.StartAsync(
                Here(security.Command("GHOSTCRATE_Policy__BlockSeverity=High ghostcrate serve --data-dir ./data")), work, installed.Environment, Cancel);
            // The documented curl calls, against that server (the port it was moved to).
            var routes = await RunAsync(work, command => Here(command).Replace("127.0.0.1:8000", $"127.0.0.1:{served.Port}", StringComparison.Ordinal),
                security.Block("curl -s 'http://127.0.0.1:8000/api/v1/advisories?crate=smallvec'"));
            Assert.Contains("RUSTSEC-2021-0003", routes.StdOut);
        }
        finally
        {
            TempDirs.Delete(work);
        }
    }

    /// <summary>
    /// A documented command as run on the offline side: its /srv is <paramref name="offline"/>, the USB stick is
    /// <paramref name="usb"/> (where the connected side wrote its bundles), and the server the other machines reach at
    /// mirror-host:8000 listens on 127.0.0.1:<paramref name="port"/>.
    /// </summary>
    private static Func<string, string> OfflineSide(string offline, string usb, int port) => command => command
        .Replace("/srv/", offline + "/", StringComparison.Ordinal)
        .Replace("/media/usb", usb, StringComparison.Ordinal)
        .Replace("http://0.0.0.0:8000", $"http://127.0.0.1:{port}", StringComparison.Ordinal)
        .Replace("http://mirror-host:8000", $"http://127.0.0.1:{port}", StringComparison.Ordinal);

    /// <summary>The documented commands (blocks or single commands) in one bash script that stops at the first failure.</summary>
    private Task<ProcessResult> RunAsync(string workingDirectory, Func<string, string> local, params string[] blocks) =>
        RunAsync(workingDirectory, local, installed.Environment, blocks);

    private async Task<ProcessResult> RunAsync(string workingDirectory, Func<string, string> local, IReadOnlyDictionary<string, string?> environment, params string[] blocks)
    {
        var script = new StringBuilder("set -euo pipefail\n");
        foreach (var block in blocks)
        {
            foreach (var command in DocBlocks.Commands(block)) script.AppendLine(local(command));
        }
        var result = await RunCommandAsync(workingDirectory, script.ToString(), environment);
        Assert.True(result.Succeeded, result.Describe());
        return result;
    }

    /// <summary>bash -x, so a failure's output shows which documented command stopped the script.</summary>
    private async Task<ProcessResult> RunCommandAsync(string workingDirectory, string script, IReadOnlyDictionary<string, string?>? environment = null) =>
        await ProcessRunner.RunAsync("bash", ["-xc", script], workingDirectory, environment ?? installed.Environment, timeout: TimeSpan.FromMinutes(10), cancellationToken: Cancel);

    /// <summary>A Cargo.lock of a project `app` whose one dependency is <paramref name="crate"/> from crates.io.</summary>
    private static Task WriteLockFileAsync(string path, string crate, string version) => File.WriteAllTextAsync(path, $$"""
        version = 4

        [[package]]
        name = "app"
        version = "0.1.0"
        dependencies = ["{{crate}}"]

        [[package]]
        name = "{{crate}}"
        version = "{{version}}"
        source = "registry+https://github.com/rust-lang/crates.io-index"
        """, Cancel);

    /// <summary>A git repository at <paramref name="destination"/> whose one commit holds the RustSec files.</summary>
    private static async Task MakeGitRepositoryAsync(string database, string destination)
    {
        Directory.CreateDirectory(destination);
        // A folder is copied as it is; the vendored tarball holds one top folder (rustsec-advisory-db/) with crates/.
        var copy = database.EndsWith(".tar.gz", StringComparison.Ordinal)
            ? $"tar -xzf \"$0\" -C \"$1\" --strip-components=1"
            : "cp -R \"$0\"/. \"$1\"/";
        var make = await ProcessRunner.RunAsync("bash",
            ["-c", $"{copy} && cd \"$1\" && git init --quiet && git add -A && git -c user.name=RustSec -c user.email=rustsec@example.invalid commit --quiet -m advisories", database, destination],
            destination, cancellationToken: Cancel);
        Assert.True(make.Succeeded, make.Describe());
    }

    /// <summary>--until YYYY-MM-DD of a documented command, moved 30 days ahead when the documented day is no longer ahead.</summary>
    private static string FutureDates(string command) =>
        System.Text.RegularExpressions.Regex.Replace(command, @"--until (\d{4}-\d{2}-\d{2})", m =>
            DateOnly.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1))
                ? m.Value
                : $"--until {DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)):yyyy-MM-dd}");
}
