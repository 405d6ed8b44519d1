using System.Net;
using System.Text.Json;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>sync -> export -> import on the "offline side" -> serve, then increments; tampered, truncated and out-of-order bundles.</summary>
public sealed class BundleRoundTripTests : IAsyncLifetime
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
        _work = TempDir.Create("bundles");
        await _upstream.PublishAsync("rt-lib", "1.0.0");
        await _upstream.PublishAsync("rt-util", "0.1.0", padding: 5000);
        _online.Init(_upstream.SparseIndexUrl, selection: new SelectionConfig { Crates = ["rt-lib", "rt-util"] });
        Assert.True((await _online.SyncAsync()).Complete);
    }

    public async ValueTask DisposeAsync()
    {
        _gpg.Dispose();
        await _online.DisposeAsync();
        await _upstream.DisposeAsync();
        TempDir.Delete(_work);
    }

    private string Offline => Path.Combine(_work, "offline");

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

    private static Task<(int Exit, string Out, string Err)> ImportAsync(string bundle, string into, string trustedKey) =>
        MirrorHarness.CliAsync("mirror", "import", bundle, "--into", into, "--trusted-key", trustedKey);

    [Fact]
    public async Task Full_then_incremental_bundles_carry_the_mirror_across_and_the_server_serves_it()
    {
        var full = await ExportAsync("full.tar");
        var imported = await ImportAsync(full, Offline, _gpg.PublicKeyFile);
        Assert.True(imported.Exit == 0, imported.Out + imported.Err);
        Assert.Contains("Imported mark 1 (full)", imported.Out);
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "verify", Offline)).Exit);
        Assert.True(File.Exists(Path.Combine(Offline, "meta", "rt-lib.toml")));

        await using (var server = await MirrorServer.StartAsync(Offline))
        {
            using var http = server.Client();
            var config = JsonDocument.Parse(await http.GetStringAsync("mirror/index/config.json")).RootElement;
            Assert.Equal($"{server.BaseAddress}mirror/crates/{{crate}}/{{version}}/download", config.GetProperty("dl").GetString());
            Assert.Equal(await _upstream.IndexFileAsync("rt-util"), await http.GetStringAsync("mirror/index/rt/-u/rt-util"));
            var bytes = await http.GetByteArrayAsync("mirror/crates/rt-util/0.1.0/download");
            Assert.Equal(_upstream.Published.Single(p => p.Name == "rt-util").Bytes, bytes);
            using var missing = await http.GetAsync("mirror/crates/rt-util/9.9.9/download");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Contains("\"errors\"", await missing.Content.ReadAsStringAsync());
        }

        var next = await _upstream.PublishAsync("rt-lib", "1.1.0");
        Assert.True((await _online.SyncAsync()).Complete);
        var increment = await ExportAsync("inc.tar", since: "latest");
        var second = await ImportAsync(increment, Offline, _gpg.PublicKeyFile);
        Assert.True(second.Exit == 0, second.Out + second.Err);
        Assert.Contains("Imported mark 2 (after mark 1)", second.Out);
        // The increment carries only what changed: the new .crate, rt-lib's index file, its TOML, the bundle files.
        Assert.True(new FileInfo(increment).Length < new FileInfo(full).Length);
        Assert.True(File.Exists(Path.Combine(Offline, "crates", "rt-lib", "rt-lib-1.1.0.crate")));
        Assert.Equal(await _upstream.IndexFileAsync("rt-lib"), File.ReadAllText(Path.Combine(Offline, "index", "rt", "-l", "rt-lib")));

        // Re-running an import is harmless; an older bundle is refused.
        var again = await ImportAsync(increment, Offline, _gpg.PublicKeyFile);
        Assert.Equal(0, again.Exit);
        Assert.Contains("already imported", again.Out);
        var older = await ImportAsync(full, Offline, _gpg.PublicKeyFile);
        Assert.Equal(2, older.Exit);
        Assert.Contains("older than mark 2", older.Err);
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "verify", Offline)).Exit);
        _ = next;
    }

    [Fact]
    public async Task An_increment_out_of_order_is_refused_until_the_missing_one_is_imported()
    {
        var full = await ExportAsync("1.tar");
        await _upstream.PublishAsync("rt-lib", "2.0.0");
        Assert.True((await _online.SyncAsync()).Complete);
        var second = await ExportAsync("2.tar", since: "1");
        await _upstream.PublishAsync("rt-lib", "3.0.0");
        Assert.True((await _online.SyncAsync()).Complete);
        var third = await ExportAsync("3.tar", since: "2");

        var early = await ImportAsync(second, Offline, _gpg.PublicKeyFile);
        Assert.Equal(2, early.Exit);
        Assert.Contains("import the full bundle first", early.Err);
        Assert.Equal(0, (await ImportAsync(full, Offline, _gpg.PublicKeyFile)).Exit);
        var skipped = await ImportAsync(third, Offline, _gpg.PublicKeyFile);
        Assert.Equal(2, skipped.Exit);
        Assert.Contains("out of order", skipped.Err);
        Assert.False(File.Exists(Path.Combine(Offline, "crates", "rt-lib", "rt-lib-3.0.0.crate")));
        Assert.Equal(0, (await ImportAsync(second, Offline, _gpg.PublicKeyFile)).Exit);
        Assert.Equal(0, (await ImportAsync(third, Offline, _gpg.PublicKeyFile)).Exit);
        Assert.True(File.Exists(Path.Combine(Offline, "crates", "rt-lib", "rt-lib-3.0.0.crate")));
    }

    [Fact]
    public async Task A_bundle_with_any_single_flipped_byte_is_refused_and_leaves_nothing_behind()
    {
        var bundle = await ExportAsync("full.tar");
        var original = File.ReadAllBytes(bundle);
        // Positions all over the file: headers, file data, padding, the inventory, the signature, the end marker.
        var positions = Enumerable.Range(0, 41).Select(i => (long)i * (original.Length - 1) / 40).Concat([100, 148, 600, original.Length - 1]).Distinct();
        foreach (var position in positions)
        {
            var tampered = (byte[])original.Clone();
            tampered[position] ^= 0x01;
            var path = Path.Combine(_work, "tampered.tar");
            File.WriteAllBytes(path, tampered);
            var into = Path.Combine(_work, "t-" + position);
            var result = await ImportAsync(path, into, _gpg.PublicKeyFile);
            Assert.True(result.Exit == 2, $"flipping byte {position} of {original.Length} was not refused: {result.Out}{result.Err}");
            Assert.False(Directory.Exists(Path.Combine(into, "index")), $"byte {position}: something became visible");
            Assert.False(Directory.Exists(Path.Combine(into, "crates")), $"byte {position}: something became visible");
        }
    }

    [Fact]
    public async Task Truncated_bundles_and_untrusted_keys_are_refused_with_a_clear_message()
    {
        var bundle = await ExportAsync("full.tar");
        var bytes = File.ReadAllBytes(bundle);
        foreach (var length in new[] { bytes.Length / 3, bytes.Length - 1024, bytes.Length - 1 })
        {
            var cut = Path.Combine(_work, $"cut-{length}.tar");
            File.WriteAllBytes(cut, bytes[..length]);
            var result = await ImportAsync(cut, Path.Combine(_work, "cut-" + length), _gpg.PublicKeyFile);
            Assert.Equal(2, result.Exit);
            Assert.Contains("truncated", result.Err);
        }

        using var stranger = new Gpg();
        var untrusted = await ImportAsync(bundle, Offline, stranger.PublicKeyFile);
        Assert.Equal(2, untrusted.Exit);
        Assert.Contains("not a trusted key", untrusted.Err);
        Assert.False(Directory.Exists(Path.Combine(Offline, "index")));
    }

    [Fact]
    public async Task Inventory_lists_every_file_with_three_hashes_and_gpg_verifies_the_signature()
    {
        var inventory = await MirrorHarness.CliAsync("mirror", "inventory", _online.Root);
        Assert.True(inventory.Exit == 0, inventory.Err);
        var first = File.ReadAllText(_online.Layout.InventoryFile);
        Assert.Contains("path: \"crates/rt-lib/rt-lib-1.0.0.crate\"", first);
        Assert.Contains("sha3-256:", first);
        Assert.Contains("sha512:", first);
        // Deterministic: the same files give the same bytes.
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "inventory", _online.Root)).Exit);
        Assert.Equal(first, File.ReadAllText(_online.Layout.InventoryFile));

        var sign = await MirrorHarness.CliAsync("mirror", "sign", _online.Root, "--key", _gpg.SecretKeyFile);
        Assert.True(sign.Exit == 0, sign.Err);
        var verified = _gpg.Verify(_online.Layout.SignatureFile, _online.Layout.InventoryFile);
        Assert.True(verified.Exit == 0, verified.StdErr);
        Assert.Contains("Good signature", verified.StdErr);
    }
}
