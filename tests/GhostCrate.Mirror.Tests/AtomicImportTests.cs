using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using GhostCrate.Mirror.Bundles;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>
/// An import applies in one step: a crash injected after every single step leaves what a reader sees (the served
/// index, what it lists, the legacy TOML, the import mark) exactly as before or exactly as after, never a listed crate
/// without its file; running the import again finishes it. Also: an old-layout mirror directory is migrated.
/// </summary>
public sealed class AtomicImportTests : IAsyncLifetime
{
    private UpstreamRegistry _upstream = null!;
    private MirrorHarness _online = null!;
    private Gpg _gpg = null!;
    private string _work = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await UpstreamRegistry.StartAsync();
        _online = new MirrorHarness();
        _gpg = new Gpg();
        _work = TempDir.Create("atomic");
        await _upstream.PublishAsync("at-lib", "1.0.0");
        await _upstream.PublishAsync("at-util", "0.1.0");
        _online.Init(_upstream.SparseIndexUrl, selection: new SelectionConfig { Crates = ["at-lib", "at-util"] });
        Assert.True((await _online.SyncAsync()).Complete);
    }

    public async ValueTask DisposeAsync()
    {
        _gpg.Dispose();
        await _online.DisposeAsync();
        await _upstream.DisposeAsync();
        TempDir.Delete(_work);
    }

    private sealed class InjectedCrash(string step) : Exception($"crash injected after {step}");

    private async Task<string> ExportAsync(string name, string? since = null)
    {
        var file = Path.Combine(_work, name);
        string[] args = since is null
            ? ["mirror", "export", _online.Root, "--out", file, "--key", _gpg.SecretKeyFile]
            : ["mirror", "export", _online.Root, "--out", file, "--key", _gpg.SecretKeyFile, "--since", since];
        var result = await MirrorHarness.CliAsync(args);
        Assert.True(result.Exit == 0, result.Out + result.Err);
        return file;
    }

    private Task<ImportResult> ImportAsync(string bundle, string into, Action<string>? step = null) =>
        new BundleImporter(TimeProvider.System) { Step = step ?? (_ => { }) }
            .ImportAsync(bundle, new MirrorLayout(into), _gpg.PublicKeyFile, TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_crash_after_any_step_leaves_before_or_after_and_a_rerun_finishes()
    {
        var base1 = Path.Combine(_work, "base");
        await ImportAsync(await ExportAsync("1.tar"), base1);
        // The increment adds a version, a new crate and changes an index file.
        await _upstream.PublishAsync("at-lib", "1.1.0", padding: 3000);
        await _upstream.PublishAsync("at-new", "0.1.0");
        var config = MirrorConfigFile.Load(_online.Layout);
        MirrorConfigFile.Save(_online.Layout, config with { Selection = config.Selection with { Crates = ["at-lib", "at-util", "at-new"] } });
        Assert.True((await _online.SyncAsync()).Complete);
        var increment = await ExportAsync("2.tar", since: "1");

        var before = Snapshot(base1);
        var reference = Copy(base1, "reference");
        var steps = new List<string>();
        await ImportAsync(increment, reference, steps.Add);
        var after = Snapshot(reference);
        Assert.NotEqual(before, after);
        Assert.Contains("switched", steps);
        Assert.True(steps.Count >= 6, string.Join(", ", steps));

        for (var i = 0; i < steps.Count; i++)
        {
            var dir = Copy(base1, "crash-" + i);
            var seen = 0;
            var crash = await Assert.ThrowsAsync<InjectedCrash>(() => ImportAsync(increment, dir, step =>
            {
                if (seen++ == i) throw new InjectedCrash(step);
            }));
            var state = Snapshot(dir);
            Assert.True(state == before || state == after, $"{crash.Message}: the directory is neither before nor after:\n{state}");
            // Everything up to the switch is invisible; from the switch on, everything is there.
            Assert.Equal(i >= steps.IndexOf("switched") ? after : before, state);

            var rerun = await ImportAsync(increment, dir);
            Assert.Equal(2, rerun.Mark);
            Assert.Equal(after, Snapshot(dir));
            Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "verify", dir)).Exit);
        }
    }

    [Fact]
    public async Task A_mirror_directory_of_the_old_layout_is_migrated_by_the_next_import()
    {
        var dir = Path.Combine(_work, "old");
        await ImportAsync(await ExportAsync("1.tar"), dir);
        var before = Snapshot(dir);
        MakeOldLayout(dir);
        Assert.False(new MirrorLayout(dir).HasGenerations);
        // Readers (the server, verify) still read the old layout as it is.
        Assert.Equal(before, Snapshot(dir));
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "verify", dir)).Exit);

        await _upstream.PublishAsync("at-util", "0.2.0");
        Assert.True((await _online.SyncAsync()).Complete);
        var result = await ImportAsync(await ExportAsync("2.tar", since: "1"), dir);

        Assert.Equal(2, result.Mark);
        var layout = new MirrorLayout(dir);
        Assert.True(layout.HasGenerations);
        Assert.NotNull(new DirectoryInfo(Path.Combine(dir, "index")).LinkTarget);
        Assert.False(File.Exists(layout.LegacyImportStateFile));
        Assert.Equal(["0.1.0", "0.2.0"], (new ServedIndex(layout).Read("at-util") ?? []).Select(l => l.Entry.Vers));
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "verify", dir)).Exit);
    }

    /// <summary>What the server and `mirror verify` can see, read the way they read it; fails if a listed crate is missing.</summary>
    private static string Snapshot(string root)
    {
        var layout = new MirrorLayout(root);
        var served = new ServedIndex(layout);
        var text = new StringBuilder();
        foreach (var (relative, full) in served.EnumerateFiles())
        {
            text.Append(relative).Append(' ').Append(Hash(full)).Append('\n');
            foreach (var line in Storage.IndexLine.ParseFile(File.ReadAllText(full), out _))
            {
                var crate = layout.CrateFile(line.Entry.Name, line.Entry.Vers);
                Assert.True(File.Exists(crate), $"the served index lists {line.Entry.Name} {line.Entry.Vers}, whose file is missing");
                Assert.Equal(line.Entry.Cksum, Hash(crate));
            }
        }
        var meta = Path.Combine(root, "meta");
        if (Directory.Exists(meta))
        {
            foreach (var file in Directory.GetFiles(meta).Order(StringComparer.Ordinal)) text.Append("meta/").Append(Path.GetFileName(file)).Append(' ').Append(Hash(file)).Append('\n');
        }
        var state = BundleImporter.ReadState(layout);
        text.Append("mark ").Append(state?.Mark).Append(' ').Append(state?.MirrorId).Append('\n');
        return text.ToString();
    }

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>`cp -a`: the copy keeps the `current`, `index` and `meta` links as links.</summary>
    private string Copy(string source, string name)
    {
        var target = Path.Combine(_work, name);
        using var cp = Process.Start(new ProcessStartInfo("cp", ["-a", source, target]) { UseShellExecute = false })!;
        cp.WaitForExit();
        Assert.Equal(0, cp.ExitCode);
        return target;
    }

    /// <summary>Turns a directory back into the layout GhostCrate wrote before generations: real folders, state in .ghostcrate.</summary>
    private static void MakeOldLayout(string root)
    {
        var layout = new MirrorLayout(root);
        var generation = layout.CurrentGenerationDir()!;
        foreach (var name in new[] { "index", "meta" })
        {
            File.Delete(Path.Combine(root, name));
            Directory.Move(Path.Combine(generation, name), Path.Combine(root, name));
        }
        File.Move(Path.Combine(generation, MirrorLayout.ImportStateName), layout.LegacyImportStateFile);
        File.Delete(layout.CurrentLink);
        Directory.Delete(layout.GenerationsDir, recursive: true);
    }
}
