using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GhostCrate.Cli;
using GhostCrate.Core.Changes;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Storage;
using GhostCrate.Mirror.Tests.Jobs;
using GhostCrate.Mirror.Tests.Support;
using GhostCrate.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>
/// Custom toolchains (issue 26 item 4, docs/toolchains.md#custom-toolchains) against a running GhostCrate with no
/// mirror directory (they live in the blob store): an administrator uploads the synthesized release's component
/// archives with `ghostcrate toolchain upload`, `ghostcrate toolchain install` checks and unpacks them and links them
/// into the real rustup 1.29, whose `rustc -V` and `cargo +NAME -V` then run. Hostile, oversized and incomplete
/// uploads are refused and leave nothing; non-administrators are refused; an archive that no longer matches the
/// manifest is refused by the install.
/// </summary>
public sealed class CustomToolchainTests(GpgKey key) : IAsyncLifetime, IClassFixture<GpgKey>
{
    private const string Name = "acme-1.95-patched";
    private const long ArchiveLimit = 64 * 1024;

    private readonly Gpg _gpg = key.Gpg;
    private readonly RustupHome _rustup = new();
    private readonly string _work = TempDir.Create("custom-toolchains");
    private SyntheticDist _dist = null!;
    private MirrorServer _server = null!;
    private HttpClient _admin = null!;
    private Dictionary<string, string?> _settings = null!;

    public async ValueTask InitializeAsync()
    {
        _dist = new SyntheticDist(_gpg);
        var settings = MirrorAdminClient.Settings();
        settings["Mirror:Directory"] = null;
        settings["Mirror:ExportKeyFile"] = _gpg.SecretKeyFile;
        settings["Mirror:CustomToolchainMaxArchiveBytes"] = ArchiveLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Registry:AuthRequired"] = "true";
        // A blob store another node can share (as nodes share one S3 bucket).
        settings["Storage:Path"] = Path.Combine(_work, "blobs");
        _settings = settings;
        _server = await MirrorServer.StartAsync(TempDir.Create("unused-mirror"), extra: settings);
        _admin = _server.Client();
        _admin.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", MirrorAdminClient.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
        _dist.Dispose();
        _rustup.Dispose();
        TempDir.Delete(_work);
    }

    /// <summary>The release's archives for the host, wasm32's rust-std and rust-src (not the unmirrored aarch64 std).</summary>
    private List<string> Archives() => _dist.Archives.Keys
        .Where(a => !a.Contains(SyntheticDist.Unmirrored, StringComparison.Ordinal))
        .Select(_dist.Full).ToList();

    [Fact]
    public async Task An_uploaded_toolchain_installs_into_the_real_rustup_under_its_name_and_runs()
    {
        var dist = Path.Combine(_work, "dist");
        Directory.CreateDirectory(dist);
        foreach (var archive in Archives()) File.Copy(archive, Path.Combine(dist, Path.GetFileName(archive)));
        var (upload, uploadOut) = await CliAsync(CustomToolchainCommands.UploadAsync, "toolchain", "upload", Name, "--url", _server.BaseAddress.AbsoluteUri,
            "--host", SyntheticDist.Host, "--rust-version", "1.95.0-acme.1 (5ynth371c 2026-04-16)", dist);
        Assert.True(upload == 0, uploadOut);
        Assert.Contains("signed with the mirror's key", uploadOut, StringComparison.Ordinal);

        // The served manifest, its .sha256 and an .asc that gpg verifies with the mirror's public key; no token needed.
        using var anonymous = _server.Client();
        var root = $"rustup/custom/{Name}/dist/channel-rust-{Name}.toml";
        var manifest = await anonymous.GetByteArrayAsync(root);
        Assert.StartsWith(Convert.ToHexStringLower(SHA256.HashData(manifest)), await anonymous.GetStringAsync(root + ".sha256"), StringComparison.Ordinal);
        var text = Encoding.UTF8.GetString(manifest);
        Assert.Contains("[renames.clippy]", text, StringComparison.Ordinal);
        Assert.Contains($"[pkg.rust-std.target.wasm32-unknown-unknown]", text, StringComparison.Ordinal);
        var parsed = ChannelManifestOf(manifest);
        Assert.Equal(["cargo", "clippy-preview", "rust", "rust-src", "rust-std", "rustc"], parsed.Packages.Keys.ToArray());
        File.WriteAllBytes(Path.Combine(_work, "m.toml"), manifest);
        File.WriteAllBytes(Path.Combine(_work, "m.toml.asc"), await anonymous.GetByteArrayAsync(root + ".asc"));
        var verify = _gpg.Verify(Path.Combine(_work, "m.toml.asc"), Path.Combine(_work, "m.toml"));
        Assert.True(verify.Exit == 0, verify.StdErr);

        var directory = Path.Combine(_work, "installed", Name);
        var (install, installOut) = await CliAsync(CustomToolchainCommands.InstallAsync, "toolchain", "install", Name,
            "--dist-server", new Uri(_server.BaseAddress, "rustup").AbsoluteUri, "--dir", directory, "--key", _gpg.PublicKeyFile, "--rustup", RustupWrapper());
        Assert.True(install == 0, installOut);

        var rustc = await _rustup.RunAsync(_server.BaseAddress, "run", Name, "rustc", "-V");
        Assert.True(rustc.Exit == 0, rustc.Output);
        Assert.Contains("rustc 1.95.0 (5ynth371c 2026-04-16)", rustc.Output, StringComparison.Ordinal);
        var cargo = await CargoProxyAsync($"+{Name}", "-V");
        Assert.True(cargo.Exit == 0, cargo.Output);
        Assert.Contains("cargo 1.95.0 (5ynth371c 2026-04-16)", cargo.Output, StringComparison.Ordinal);
        Assert.Contains(Name, (await _rustup.RunAsync(_server.BaseAddress, "toolchain", "list")).Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(directory, "lib", "rustlib", "wasm32-unknown-unknown", "lib", "libstd-synthetic.rlib")));
        Assert.True(File.Exists(Path.Combine(directory, "lib", "rustlib", "src", "rust", "library", "std", "src", "lib.rs")));
        Assert.False(File.Exists(Path.Combine(directory, "manifest.in")), "installer metadata is not part of the toolchain");

        // /toolchains and the admin list show it with the command to copy.
        using var browser = await MirrorAdminClient.SignInAsync(_server);
        var page = await browser.Browser.GetStringAsync("toolchains");
        Assert.Contains($"ghostcrate toolchain install {Name} --dist-server {new Uri(_server.BaseAddress, "rustup").AbsoluteUri.TrimEnd('/')}", page, StringComparison.Ordinal);
        var list = JsonDocument.Parse(await _admin.GetStringAsync("api/v1/admin/toolchains/custom")).RootElement;
        Assert.Equal(Name, list[0].GetProperty("name").GetString());
        Assert.Equal("1.95.0-acme.1 (5ynth371c 2026-04-16)", list[0].GetProperty("version").GetString());

        // Deleted: nothing is served or stored any more; the installed copy stays.
        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync($"api/v1/admin/toolchains/custom/{Name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(root)).StatusCode);
        Assert.Empty(await StoredAsync());
        Assert.DoesNotContain($"toolchain install {Name}", await browser.Browser.GetStringAsync("toolchains"), StringComparison.Ordinal);
        Assert.True((await _rustup.RunAsync(_server.BaseAddress, "run", Name, "rustc", "-V")).Exit == 0);
    }

    [Fact]
    public async Task Hostile_oversized_and_incomplete_uploads_are_refused_and_leave_the_previous_release_serving()
    {
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(Name, Archives())).StatusCode);
        using var anonymous = _server.Client();
        var root = $"rustup/custom/{Name}/dist/channel-rust-{Name}.toml";
        var served = await anonymous.GetStringAsync(root + ".sha256");
        var stored = await StoredAsync();

        var link = Tarball("evil-1.0-x86_64-unknown-linux-gnu", w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "evil-1.0-x86_64-unknown-linux-gnu/lib") { LinkName = "/etc" }));
        var dotdot = Tarball("evil2-1.0-x86_64-unknown-linux-gnu", w => AddFile(w, "evil2-1.0-x86_64-unknown-linux-gnu/../../escape", "x"));
        var big = Path.Combine(_work, "big-1.0-x86_64-unknown-linux-gnu.tar.gz");
        File.WriteAllBytes(big, RandomNumberGenerator.GetBytes((int)ArchiveLimit + 1));
        var truncated = Path.Combine(_work, Path.GetFileName(Archives()[0]));
        var whole = File.ReadAllBytes(Archives()[0]);
        File.WriteAllBytes(truncated, whole[..(whole.Length - 9)]);
        var noCompiler = Archives().Where(a => !Path.GetFileName(a).StartsWith("rustc-", StringComparison.Ordinal)).ToList();

        foreach (var (files, status, says) in new (List<string>, HttpStatusCode, string)[]
        {
            ([.. Archives(), link], HttpStatusCode.UnprocessableEntity, "symbolic link"),
            ([.. Archives(), dotdot], HttpStatusCode.UnprocessableEntity, ".."),
            ([.. Archives(), big], HttpStatusCode.RequestEntityTooLarge, "Mirror:CustomToolchainMaxArchiveBytes"),
            ([.. Archives().Skip(1), truncated], HttpStatusCode.UnprocessableEntity, "truncated"),
            (noCompiler, HttpStatusCode.UnprocessableEntity, "rustc"),
        })
        {
            var response = await UploadAsync(Name, files);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, body);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(says, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            // Nothing of the refused upload stays, and the earlier release is served as it was.
            Assert.Equal(stored, await StoredAsync());
            Assert.Equal(served, await anonymous.GetStringAsync(root + ".sha256"));
        }

        // A refused first upload of another name stores nothing at all.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await UploadAsync("other-build", noCompiler)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("rustup/custom/other-build/dist/channel-rust-other-build.toml")).StatusCode);
        Assert.Equal(stored, await StoredAsync());

        foreach (var bad in new[] { "stable", "1.95.0", "nightly-2026-01-01", "Acme", "a" })
            Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(bad, Archives())).StatusCode);
    }

    [Fact]
    public async Task Only_administrators_may_upload_list_or_delete()
    {
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(Name, Archives())).StatusCode);
        var created = await _admin.PostAsJsonAsync("api/v1/admin/users", new { username = "dev", password = "a long enough password", admin = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("user").GetProperty("id").GetInt64();
        string secret;
        using (var scope = _server.Services.CreateScope())
        {
            var token = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
                new Principal(id, "dev", false, null, TokenScopes.Unrestricted), new NewTokenRequest("ci", null, null, null), CancellationToken.None);
            secret = token.Value!.Secret;
        }
        using var developer = _server.Client();
        developer.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", secret);
        using var anonymous = _server.Client();

        foreach (var (client, status) in new[] { (developer, HttpStatusCode.Forbidden), (anonymous, HttpStatusCode.Unauthorized) })
        {
            Assert.Equal(status, (await UploadAsync("dev-build", Archives(), client)).StatusCode);
            Assert.Equal(status, (await client.GetAsync("api/v1/admin/toolchains/custom")).StatusCode);
            Assert.Equal(status, (await client.DeleteAsync($"api/v1/admin/toolchains/custom/{Name}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("rustup/custom/dev-build/dist/channel-rust-dev-build.toml")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"rustup/custom/{Name}/dist/channel-rust-{Name}.toml")).StatusCode);
    }

    [Fact]
    public async Task The_install_refuses_an_archive_that_does_not_match_the_manifest_and_installs_nothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(Name, Archives())).StatusCode);
        // Storage altered behind the server's back (a damaged disk, a tampered bucket): the manifest still names the old hash.
        var blobs = _server.Services.GetRequiredService<IBlobStore>();
        var cargo = (await StoredAsync()).Single(p => Path.GetFileName(p).StartsWith("cargo-", StringComparison.Ordinal));
        var altered = Tarball($"cargo-1.95.0-{SyntheticDist.Host}", w => AddFile(w, $"cargo-1.95.0-{SyntheticDist.Host}/rust-installer-version", "3\n"));
        await blobs.PutAsync(BlobKey.FromPath(cargo), File.OpenRead(altered), BlobPutMode.Overwrite, CancellationToken.None);

        var directory = Path.Combine(_work, "installed", Name);
        var (exit, output) = await CliAsync(CustomToolchainCommands.InstallAsync, "toolchain", "install", Name,
            "--dist-server", new Uri(_server.BaseAddress, "rustup").AbsoluteUri, "--dir", directory, "--rustup", RustupWrapper());
        Assert.Equal(1, exit);
        Assert.Contains($"{Path.GetFileName(cargo)} has SHA-256", output, StringComparison.Ordinal);
        Assert.Contains("but the manifest says", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
        Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(directory)!));
        Assert.DoesNotContain(Name, (await _rustup.RunAsync(_server.BaseAddress, "toolchain", "list")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_install_refuses_a_manifest_that_does_not_match_its_sha256()
    {
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(Name, Archives())).StatusCode);
        // A dist root copied by hand (a cache, a proxy in between) whose manifest changed after its .sha256 was written.
        using var anonymous = _server.Client();
        var relative = $"custom/{Name}/dist/channel-rust-{Name}.toml";
        var copy = Path.Combine(_work, "copy");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, relative))!);
        var manifest = await anonymous.GetStringAsync("rustup/" + relative);
        await File.WriteAllTextAsync(Path.Combine(copy, relative), manifest.Replace("1.95", "1.96", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(copy, relative + ".sha256"), await anonymous.GetStringAsync("rustup/" + relative + ".sha256"));
        await using var stale = await StaticDistServer.StartAsync(copy);

        var directory = Path.Combine(_work, "installed", Name);
        var (exit, output) = await CliAsync(CustomToolchainCommands.InstallAsync, "toolchain", "install", Name,
            "--dist-server", stale.BaseAddress.AbsoluteUri, "--dir", directory, "--rustup", RustupWrapper());
        Assert.Equal(1, exit);
        Assert.Contains("but its .sha256 says", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task A_second_node_on_the_same_storage_serves_and_deletes_the_same_release()
    {
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(Name, Archives())).StatusCode);
        // Its own database; only the blob store is shared (what the change feed adds: see the end).
        await using var other = await MirrorServer.StartAsync(TempDir.Create("unused-mirror"), extra: _settings);
        using var first = _server.Client();
        using var second = other.Client();
        var root = $"rustup/custom/{Name}/dist/channel-rust-{Name}.toml";
        Assert.Equal(await first.GetByteArrayAsync(root), await second.GetByteArrayAsync(root));
        Assert.Equal(await first.GetStringAsync(root + ".asc"), await second.GetStringAsync(root + ".asc"));

        var directory = Path.Combine(_work, "installed", Name);
        var (exit, output) = await CliAsync(CustomToolchainCommands.InstallAsync, "toolchain", "install", Name,
            "--dist-server", new Uri(other.BaseAddress, "rustup").AbsoluteUri, "--dir", directory, "--rustup", RustupWrapper());
        Assert.True(exit == 0, output);

        using var otherAdmin = other.Client();
        otherAdmin.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", MirrorAdminClient.Token);
        Assert.Equal(HttpStatusCode.OK, (await otherAdmin.DeleteAsync($"api/v1/admin/toolchains/custom/{Name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await second.GetAsync(root)).StatusCode);
        // The first node learns of it from the change feed, which needs a shared database (these two have their own;
        // two nodes on one PostgreSQL: EndToEnd CustomToolchainNodesTests). Here its notice is delivered by hand.
        await _server.Services.GetRequiredService<GhostCrate.Mirror.Toolchains.Custom.CustomToolchains>().CatchUpAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.NotFound, (await first.GetAsync(root)).StatusCode);
    }

    [Fact]
    public async Task An_upload_that_finishes_while_an_earlier_one_is_still_writing_leaves_that_one_whole()
    {
        // Two administrators upload the same name: X starts, writes its first archive and stalls on its second; Y starts
        // a second later and finishes. Y's switch must not delete X's folder (X may still switch), so when X finishes
        // every archive its release names is there, and X's switch removes Y's replaced archives.
        var custom = _server.Services.GetRequiredService<GhostCrate.Mirror.Toolchains.Custom.CustomToolchains>();
        var admin = new Principal(1, "admin", true, null, TokenScopes.Unrestricted);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var files = Archives().Select((path, i) => new GhostCrate.Mirror.Toolchains.Custom.CustomUploadFile(Path.GetFileName(path), new FileInfo(path).Length,
            () => i == 1 ? new StallingStream(File.OpenRead(path), reached, go.Task) : File.OpenRead(path))).ToList();
        var started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var x = custom.UploadAsync(admin, Name, SyntheticDist.Host, null, files, CancellationToken.None);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        // Upload folders are named by the second they start: Y's must sort after X's.
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() > started, "the clock did not move on", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(Name, Archives())).StatusCode);
        var yUpload = (await custom.GetAsync(Name, CancellationToken.None))!.Upload;
        go.SetResult();
        var xResult = await x;
        Assert.True(xResult.IsSuccess, xResult.Error?.Detail);
        var xRelease = xResult.Value!;

        var current = (await custom.GetAsync(Name, CancellationToken.None))!;
        Assert.Equal(xRelease.Upload, current.Upload);
        foreach (var package in current.Packages)
        {
            var archive = await custom.OpenArchiveAsync(current, package.Path, CancellationToken.None);
            Assert.True(archive is not null, $"{package.Path} of the current release is missing");
            await archive.Value.Content.DisposeAsync();
        }
        Assert.DoesNotContain(await StoredAsync(), path => path.Contains($"/dist/{yUpload}/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Release_records_are_read_once_per_change_not_once_per_request()
    {
        // A second instance on the server's services, whose blob store counts reads of release records; the server's
        // own instance, writing to the same store, plays another node.
        var counting = new CountingBlobStore(_server.Services.GetRequiredService<IBlobStore>());
        var custom = ActivatorUtilities.CreateInstance<GhostCrate.Mirror.Toolchains.Custom.CustomToolchains>(_server.Services, (IBlobStore)counting);
        var admin = new Principal(1, "admin", true, null, TokenScopes.Unrestricted);
        var files = Archives().Select(path => new GhostCrate.Mirror.Toolchains.Custom.CustomUploadFile(Path.GetFileName(path), new FileInfo(path).Length, () => File.OpenRead(path))).ToList();
        var uploaded = await custom.UploadAsync(admin, Name, SyntheticDist.Host, "1.95.0-acme.1", files, CancellationToken.None);
        Assert.True(uploaded.IsSuccess, uploaded.Error?.Detail);
        var afterUpload = counting.RecordReads;

        // The upload forgot what this node held: the first request reads the record, the next ones read none.
        Assert.Equal("1.95.0-acme.1", (await custom.GetAsync(Name, CancellationToken.None))!.Version);
        Assert.Equal(afterUpload + 1, counting.RecordReads);
        for (var i = 0; i < 5; i++) Assert.Equal("1.95.0-acme.1", (await custom.GetAsync(Name, CancellationToken.None))!.Version);
        Assert.Equal(Name, Assert.Single(await custom.ListAsync(CancellationToken.None)).Name);
        Assert.Null(await custom.GetAsync("other-build", CancellationToken.None));
        Assert.Equal(afterUpload + 1, counting.RecordReads);

        // Another node switches the record: this one serves what it read until the change feed's notice, then the new one.
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(Name, Archives(), version: "1.95.0-acme.2")).StatusCode);
        Assert.Equal("1.95.0-acme.1", (await custom.GetAsync(Name, CancellationToken.None))!.Version);
        await custom.CatchUpAsync(CancellationToken.None);
        Assert.Equal("1.95.0-acme.2", (await custom.GetAsync(Name, CancellationToken.None))!.Version);
        Assert.Equal(afterUpload + 2, counting.RecordReads);
    }

    [Fact]
    public async Task An_upload_whose_announcement_the_change_feed_refuses_still_succeeds_and_is_announced_later()
    {
        // The switch has taken effect when the announcement fails (a lost database connection): the upload succeeds,
        // this node serves it, and the announcement is retried until the feed takes it.
        var feed = new RefusingChangeFeed(refusals: 1);
        var time = new ManualTime(DateTimeOffset.UtcNow);
        using var announcer = new ChangeAnnouncer(feed, time, NullLogger<ChangeAnnouncer>.Instance);
        var custom = ActivatorUtilities.CreateInstance<GhostCrate.Mirror.Toolchains.Custom.CustomToolchains>(_server.Services, announcer);
        var admin = new Principal(1, "admin", true, null, TokenScopes.Unrestricted);
        var files = Archives().Select(path => new GhostCrate.Mirror.Toolchains.Custom.CustomUploadFile(Path.GetFileName(path), new FileInfo(path).Length, () => File.OpenRead(path))).ToList();

        var uploaded = await custom.UploadAsync(admin, Name, SyntheticDist.Host, "1.95.0-acme.1", files, CancellationToken.None);

        Assert.True(uploaded.IsSuccess, uploaded.Error?.Detail);
        Assert.Equal("1.95.0-acme.1", (await custom.GetAsync(Name, CancellationToken.None))!.Version);
        Assert.Equal(0, feed.Delivered);
        await time.WhenScheduledAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        await announcer.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(1, feed.Delivered);
    }

    /// <summary>A change feed whose first announcements fail; it delivers nothing anywhere, it only counts.</summary>
    private sealed class RefusingChangeFeed(int refusals) : IChangeFeed
    {
        private int _attempts;
        private int _delivered;

        public int Delivered => Volatile.Read(ref _delivered);

        public bool SharedByNodes => true;

        public Task AnnounceAsync(string topic, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) <= refusals) throw new InvalidOperationException("the connection to the database was lost");
            Interlocked.Increment(ref _delivered);
            return Task.CompletedTask;
        }

        public IDisposable Subscribe(string topic, Func<CancellationToken, Task> catchUp) => throw new NotSupportedException();

        public Task RunAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>The real blob store, counting reads of release records (`toolchains/custom/NAME/release.json`).</summary>
    private sealed class CountingBlobStore(IBlobStore inner) : IBlobStore
    {
        private int _recordReads;

        public int RecordReads => Volatile.Read(ref _recordReads);

        public Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken)
        {
            if (key.Path.EndsWith("/release.json", StringComparison.Ordinal)) Interlocked.Increment(ref _recordReads);
            return inner.OpenReadAsync(key, cancellationToken);
        }

        public Task<BlobPutResult> PutAsync(BlobKey key, Stream content, BlobPutMode mode, CancellationToken cancellationToken) => inner.PutAsync(key, content, mode, cancellationToken);
        public Task<bool> ExistsAsync(BlobKey key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);
        public Task DeleteAsync(BlobKey key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);
        public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
    }

    /// <summary>Reads nothing until <paramref name="go"/> completes; says when the first read came.</summary>
    private sealed class StallingStream(Stream inner, TaskCompletionSource reached, Task go) : Stream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            reached.TrySetResult();
            await go.WaitAsync(cancellationToken);
            return await inner.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    private async Task<HttpResponseMessage> UploadAsync(string name, IEnumerable<string> files, HttpClient? client = null, string? version = null)
    {
        using var content = new MultipartFormDataContent { { new StringContent(SyntheticDist.Host), "host" } };
        if (version is not null) content.Add(new StringContent(version), "version");
        foreach (var file in files)
        {
            var part = new ByteArrayContent(await File.ReadAllBytesAsync(file));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
            content.Add(part, "file", Path.GetFileName(file));
        }
        return await (client ?? _admin).PutAsync($"api/v1/admin/toolchains/custom/{name}", content);
    }

    private async Task<List<string>> StoredAsync()
    {
        var paths = new List<string>();
        await foreach (var path in _server.Services.GetRequiredService<IBlobStore>().ListAsync(BlobKey.CustomToolchainRoot, CancellationToken.None)) paths.Add(path);
        return paths.Order(StringComparer.Ordinal).ToList();
    }

    private async Task<(int Exit, string Output)> CliAsync(Func<ParsedArgs, TextWriter, TextWriter, Func<string, string?>, CancellationToken, Task<int>> command, params string[] args)
    {
        var output = new StringWriter();
        var exit = await command(ParsedArgs.Parse(args), output, output, v => v == DocsCommands.TokenVariable ? MirrorAdminClient.Token : null, TestContext.Current.CancellationToken);
        return (exit, output.ToString());
    }

    /// <summary>The test's rustup with its own RUSTUP_HOME and CARGO_HOME, as `--rustup` for the install (the test process's environment stays as it is).</summary>
    private string RustupWrapper()
    {
        var script = Path.Combine(_work, "rustup-wrapper.sh");
        File.WriteAllText(script, $"#!/bin/sh\nRUSTUP_HOME='{Path.Combine(_rustup.Root, "rustup")}' CARGO_HOME='{Path.Combine(_rustup.Root, "cargo")}' exec '{Path.Combine(_rustup.Root, "cargo", "bin", "rustup")}' \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    /// <summary>`cargo +NAME ...` through rustup's proxy (rustup as `cargo` in CARGO_HOME/bin), as a user types it.</summary>
    private async Task<(int Exit, string Output)> CargoProxyAsync(params string[] args)
    {
        var proxy = Path.Combine(_rustup.Root, "cargo", "bin", "cargo");
        if (!File.Exists(proxy)) File.Copy(Path.Combine(_rustup.Root, "cargo", "bin", "rustup"), proxy);
        var psi = new System.Diagnostics.ProcessStartInfo(proxy) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.Environment["RUSTUP_HOME"] = Path.Combine(_rustup.Root, "rustup");
        psi.Environment["CARGO_HOME"] = Path.Combine(_rustup.Root, "cargo");
        psi.Environment.Remove("RUSTUP_TOOLCHAIN");
        return await RustupHome.RunProcessAsync(psi);
    }

    private static GhostCrate.Mirror.Toolchains.ChannelManifest ChannelManifestOf(byte[] bytes) => GhostCrate.Mirror.Toolchains.ChannelManifest.Parse(bytes);

    private string Tarball(string top, Action<TarWriter> write)
    {
        var path = Path.Combine(_work, $"{top}-{Guid.NewGuid():N}.tar.gz");
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            AddFile(tar, $"{top}/components", "evil\n");
            write(tar);
        }
        var named = Path.Combine(_work, $"{top}.tar.gz");
        if (File.Exists(named)) File.Delete(named);
        File.Move(path, named);
        return named;
    }

    private static void AddFile(TarWriter tar, string name, string content) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
}
