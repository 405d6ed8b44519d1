using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Changes;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Core.Storage;
using GhostCrate.Mirror.Signing;
using GhostCrate.Packaging.Docs;
using GhostCrate.Packaging.Toolchains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Mirror.Toolchains.Custom;

/// <summary>One component archive as uploaded: its file name and a way to read it (length known in advance).</summary>
public sealed record CustomUploadFile(string FileName, long Length, Func<Stream> Open);

/// <summary>A published custom toolchain: what its release record in storage holds.</summary>
/// <param name="Upload">The folder of this upload's archives (`dist/{Upload}/...`), new for every upload.</param>
/// <param name="Manifest">The generated channel manifest, served byte for byte as `channel-rust-{Name}.toml`.</param>
/// <param name="Signature">The manifest's detached ASCII-armoured signature with the mirror's key, when one is configured.</param>
public sealed record CustomToolchainRelease(string Name, string Host, string Version, string Date, string Upload, string Manifest,
    string? Signature, IReadOnlyList<CustomPackage> Packages, string UploadedBy, DateTimeOffset UploadedAt)
{
    public string ManifestSha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Manifest)));

    public long Bytes => Packages.Sum(p => p.Size);
}

/// <summary>
/// Internal toolchain builds uploaded by administrators (issue 26 item 4, docs/toolchains.md "Custom toolchains"),
/// kept in the blob store so that every node on one S3 bucket (or one shared folder) serves the same: each upload
/// writes its archives to a fresh folder, then the release record (`release.json`: manifest, signature, archives) in
/// one write, which is the switch; the archives of the upload it replaced are deleted after it. A refused or interrupted upload
/// deletes what it wrote and leaves the previous release serving. The manifest is generated here (hashes of the stored
/// archives), its `.sha256` derived from it, and its `.asc` made with the mirror's key (Mirror:ExportKeyFile).
/// <para>
/// Each node holds the parsed release records in memory, so rustup's requests read no record from storage: loaded
/// on the first request after a change, and forgotten on every node when the change feed's
/// <see cref="ChangeTopics.Toolchains"/> topic fires (<see cref="CatchUpAsync"/>). An upload or deletion forgets on
/// its own node before it answers and announces the change to the others (PostgreSQL: a NOTIFY, so they forget
/// within milliseconds; after a lost connection the feed calls every subscriber, so a missed notice costs nothing).
/// The nodes must therefore share the database as well as the blob store, as they must for everything else.
/// </para>
/// </summary>
public sealed class CustomToolchains(IBlobStore blobs, AuditLog audit, ChangeAnnouncer changes, IOptions<MirrorOptions> options, TimeProvider time,
    ILogger<CustomToolchains> logger)
{
    private const string ReleaseFile = "release.json";
    private const int MaxFiles = 64;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Lock _gate = new();
    private Task<IReadOnlyDictionary<string, CustomToolchainRelease>>? _releases; // null: read them again on the next request

    public async Task<Result<CustomToolchainRelease>> UploadAsync(Principal caller, string name, string? host, string? version,
        IReadOnlyList<CustomUploadFile> files, CancellationToken cancellationToken)
    {
        if ((Guards.RequireAdmin(caller) ?? Guards.RequireWriter(caller)) is { } denied) return denied;
        if (CustomToolchainName.Check(name) is { } badName) return RegistryError.BadRequest(badName);
        if (string.IsNullOrWhiteSpace(host) || !IsTriple(host)) return RegistryError.BadRequest($"`host` must be the target triple the toolchain runs on, such as x86_64-unknown-linux-gnu (got `{Echo(host ?? "")}`)");
        if (version is not null && !IsVersionText(version)) return RegistryError.BadRequest("`version` must be printable text of at most 100 characters without quotes or backslashes, such as `1.95.0-acme.2 (abc1234 2026-05-01)`");
        if (files.Count == 0) return RegistryError.BadRequest("the upload holds no component archive: send each `.tar.gz` of the build's dist folder as a `file` part");
        if (files.Count > MaxFiles) return RegistryError.BadRequest($"the upload holds {files.Count} archives; at most {MaxFiles} are accepted");
        var settings = options.Value;
        if (files.FirstOrDefault(f => f.Length > settings.CustomToolchainMaxArchiveBytes) is { } large)
            return RegistryError.TooLarge($"component archive `{Echo(large.FileName)}` is {large.Length} bytes, above this server's limit of {settings.CustomToolchainMaxArchiveBytes} (Mirror:CustomToolchainMaxArchiveBytes)");
        if (files.Sum(f => f.Length) > settings.CustomToolchainMaxUploadBytes)
            return RegistryError.TooLarge($"the upload is {files.Sum(f => f.Length)} bytes, above this server's limit of {settings.CustomToolchainMaxUploadBytes} (Mirror:CustomToolchainMaxUploadBytes)");

        var now = time.GetUtcNow();
        // Sortable by time, so cleaning up after a switch can tell older uploads from newer ones.
        var upload = $"{now:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var written = new List<BlobKey>();
        try
        {
            var packages = new List<CustomPackage>();
            string? foundVersion = null;
            // Unpacked size and entries: a compiler's archive unpacks to a few hundred MB in a few thousand files.
            var limits = new DocsArchiveLimits(settings.CustomToolchainMaxArchiveBytes * 8, 500_000, 1024);
            foreach (var file in files)
            {
                var fileName = Path.GetFileName(file.FileName);
                if (!fileName.EndsWith(".tar.gz", StringComparison.Ordinal) || !DistPaths.IsSafeRelative(fileName))
                    return RegistryError.BadRequest($"`{Echo(file.FileName)}` is not a component archive name (NAME-VERSION-TARGET.tar.gz)");
                if (packages.Any(p => p.Path.EndsWith("/" + fileName, StringComparison.Ordinal)))
                    return RegistryError.BadRequest($"`{fileName}` is uploaded twice");
                var bytes = await ReadAllAsync(file, cancellationToken);
                var (facts, error) = InstallerArchive.Read(bytes, fileName, limits);
                if (error is not null) return RegistryError.Unprocessable(error);
                if (facts!.Components is not [var component])
                    return RegistryError.Unprocessable($"component archive `{fileName}` holds {facts.Components.Count} components ({string.Join(", ", facts.Components.Select(c => c.Name))}); upload the per-component archives, not the combined `rust-...` installer");
                var (pkg, target) = PackageOf(facts.TopDirectory, component.Name, host);
                if (packages.Any(p => p.Pkg == pkg && p.Target == target))
                    return RegistryError.Unprocessable($"two archives provide `{pkg}` for `{target}` (the second is `{fileName}`)");
                foundVersion ??= facts.Version is { } v && IsVersionText(v) ? v : null;

                var path = $"dist/{upload}/{fileName}";
                var key = BlobKey.CustomToolchainFile(name, path);
                written.Add(key);
                var segment = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var array) ? array : new ArraySegment<byte>(bytes.ToArray());
                using (var content = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false))
                    await blobs.PutAsync(key, content, BlobPutMode.Overwrite, cancellationToken);
                packages.Add(new CustomPackage(pkg, target, path, Convert.ToHexStringLower(SHA256.HashData(bytes.Span)), bytes.Length));
            }
            if (!packages.Any(p => p.Pkg == "rustc" && p.Target == host))
                return RegistryError.Unprocessable($"no archive provides the compiler (`rustc`) for the host {host}: upload `rustc-VERSION-{host}.tar.gz` with the others");

            var date = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var resolvedVersion = version ?? foundVersion ?? name;
            var manifest = CustomManifestWriter.Write(name, host, resolvedVersion, date, packages);
            // The generated manifest must read back as one that rustup's parser (and ours) accepts.
            ChannelManifest.Parse(manifest);
            var release = new CustomToolchainRelease(name, host, resolvedVersion, date, upload, Encoding.UTF8.GetString(manifest), Sign(manifest),
                packages, caller.Username, now);

            // The switch: one write of the release record. Nothing before it is served (archives are served only
            // when the current record names them).
            var replaced = (await ReadStoredAsync(name, CancellationToken.None))?.Upload;
            await blobs.PutAsync(BlobKey.CustomToolchainFile(name, ReleaseFile), new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(release, Json)), BlobPutMode.Overwrite, CancellationToken.None);
            written.Clear();
            await ForgetEverywhereAsync();
            if (replaced is not null && replaced != upload) await RemoveUploadAsync(name, replaced);
            await audit.RecordAsync(caller, AuditActions.CustomToolchainUploaded, name, new Dictionary<string, string?>
            {
                ["host"] = host, ["version"] = resolvedVersion, ["archives"] = packages.Count.ToString(CultureInfo.InvariantCulture),
                ["manifest_sha256"] = release.ManifestSha256,
            }, CancellationToken.None);
            return Result<CustomToolchainRelease>.Ok(release);
        }
        catch (MirrorException ex)
        {
            return RegistryError.Unprocessable(ex.Message);
        }
        finally
        {
            // Refused or interrupted before the switch: nothing of this upload stays.
            foreach (var key in written) await DeleteQuietlyAsync(key);
        }
    }

    /// <summary>Every custom toolchain this server serves, by name (from memory; see the class comment).</summary>
    public async Task<IReadOnlyList<CustomToolchainRelease>> ListAsync(CancellationToken cancellationToken) =>
        (await ReleasesAsync(cancellationToken)).Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();

    /// <summary>The release served under <paramref name="name"/>, or null (from memory; see the class comment).</summary>
    public async Task<CustomToolchainRelease?> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (CustomToolchainName.Check(name) is not null) return null;
        return (await ReleasesAsync(cancellationToken)).GetValueOrDefault(name);
    }

    /// <summary>
    /// The change feed's <see cref="ChangeTopics.Toolchains"/> subscriber: forgets the records read so far, so the next
    /// request reads them again. A read under way keeps its answer but no longer stores it for later requests.
    /// </summary>
    public Task CatchUpAsync(CancellationToken cancellationToken)
    {
        lock (_gate) _releases = null;
        return Task.CompletedTask;
    }

    private Task<IReadOnlyDictionary<string, CustomToolchainRelease>> ReleasesAsync(CancellationToken cancellationToken)
    {
        Task<IReadOnlyDictionary<string, CustomToolchainRelease>> releases;
        lock (_gate)
        {
            // A failed read is not kept: the next request tries again.
            if (_releases is null || _releases.IsFaulted || _releases.IsCanceled) _releases = Task.Run(ReadAllStoredAsync, CancellationToken.None);
            releases = _releases;
        }
        // Requests that arrive together share one read; a request that gives up leaves it running for the others.
        return releases.WaitAsync(cancellationToken);
    }

    private async Task<IReadOnlyDictionary<string, CustomToolchainRelease>> ReadAllStoredAsync()
    {
        var releases = new Dictionary<string, CustomToolchainRelease>(StringComparer.Ordinal);
        await foreach (var path in blobs.ListAsync(BlobKey.CustomToolchainRoot, CancellationToken.None))
        {
            var rest = path[BlobKey.CustomToolchainRoot.Length..].Split('/');
            if (rest is [var name, ReleaseFile] && await ReadStoredAsync(name, CancellationToken.None) is { } release) releases[name] = release;
        }
        return releases;
    }

    /// <summary>The release record as stored now (uploads and deletions decide on it, never on memory).</summary>
    private async Task<CustomToolchainRelease?> ReadStoredAsync(string name, CancellationToken cancellationToken)
    {
        if (CustomToolchainName.Check(name) is not null) return null;
        await using var content = await blobs.OpenReadAsync(BlobKey.CustomToolchainFile(name, ReleaseFile), cancellationToken);
        if (content is null) return null;
        return await JsonSerializer.DeserializeAsync<CustomToolchainRelease>(content.Stream, Json, cancellationToken);
    }

    /// <summary>
    /// After a switch: this node forgets at once (its own next request reads the new record), and every node is told.
    /// The switch has taken effect, so the request succeeds even when the feed refuses the announcement: the announcer
    /// logs that and keeps trying (<see cref="ChangeAnnouncer"/>).
    /// </summary>
    private async Task ForgetEverywhereAsync()
    {
        await CatchUpAsync(CancellationToken.None);
        await changes.AnnounceAsync(ChangeTopics.Toolchains);
    }

    /// <summary>An archive of the current release (never one of an earlier or unfinished upload), or null.</summary>
    public async Task<(CustomPackage Package, BlobContent Content)?> OpenArchiveAsync(CustomToolchainRelease release, string path, CancellationToken cancellationToken)
    {
        if (release.Packages.FirstOrDefault(p => p.Path == path) is not { } package) return null;
        var content = await blobs.OpenReadAsync(BlobKey.CustomToolchainFile(release.Name, path), cancellationToken);
        return content is null ? null : (package, content);
    }

    public async Task<Result<CustomToolchainRelease>> DeleteAsync(Principal caller, string name, CancellationToken cancellationToken)
    {
        if ((Guards.RequireAdmin(caller) ?? Guards.RequireWriter(caller)) is { } denied) return denied;
        if (await ReadStoredAsync(name, cancellationToken) is not { } release) return RegistryError.NotFound($"there is no custom toolchain `{Echo(name)}`");
        // The record first: from then on nothing of it is served, whatever happens to the archives' deletion.
        await blobs.DeleteAsync(BlobKey.CustomToolchainFile(name, ReleaseFile), CancellationToken.None);
        await ForgetEverywhereAsync();
        await foreach (var path in blobs.ListAsync($"{BlobKey.CustomToolchainRoot}{name}/", CancellationToken.None))
            await DeleteQuietlyAsync(BlobKey.FromPath(path));
        await audit.RecordAsync(caller, AuditActions.CustomToolchainDeleted, name, new Dictionary<string, string?> { ["version"] = release.Version }, CancellationToken.None);
        return Result<CustomToolchainRelease>.Ok(release);
    }

    /// <summary>
    /// Deletes the archives of the upload the switch replaced, and only those: another upload of the same name (another
    /// administrator, another node) may still be writing its own folder, which becomes current when it switches in
    /// turn. Two uploads that switch at the same moment may leave the loser's folder behind (never served: no record
    /// names it); deleting the toolchain removes everything under its name.
    /// </summary>
    private async Task RemoveUploadAsync(string name, string upload)
    {
        await foreach (var path in blobs.ListAsync($"{BlobKey.CustomToolchainRoot}{name}/dist/{upload}/", CancellationToken.None))
            await DeleteQuietlyAsync(BlobKey.FromPath(path));
    }

    private async Task DeleteQuietlyAsync(BlobKey key)
    {
        try
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException or InvalidOperationException)
        {
            // Not served (no record names it); the next upload of the name removes it.
            logger.LogWarning(ex, "Could not delete {Key} of a custom toolchain", key.Path);
        }
    }

    /// <summary>The manifest's `.asc` with the mirror's key (the one that signs bundles), or null without one.</summary>
    private string? Sign(byte[] manifest)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ExportKeyFile)) return null;
        var passphrase = string.IsNullOrWhiteSpace(settings.ExportPassphraseFile) ? [] : File.ReadAllText(settings.ExportPassphraseFile).TrimEnd('\r', '\n').ToCharArray();
        using var key = File.OpenRead(settings.ExportKeyFile);
        using var output = new MemoryStream();
        OpenPgpSignature.SignDetached(new MemoryStream(manifest), key, passphrase, output);
        return Encoding.ASCII.GetString(output.ToArray());
    }

    /// <summary>
    /// The manifest package and target an archive provides. rust-installer names target-specific components
    /// `PKG-TARGET` when the package exists for several targets (`rust-std-wasm32-unknown-unknown`) and plain `PKG`
    /// otherwise (`rustc` in `rustc-1.95.0-x86_64-unknown-linux-gnu/`); an archive folder without the host's triple
    /// at its end is target-independent (`rust-src-1.95.0/`), as in the official manifests (`target."*"`).
    /// </summary>
    internal static (string Pkg, string Target) PackageOf(string topDirectory, string component, string host)
    {
        var parts = component.Split('-');
        for (var i = 1; i < parts.Length; i++)
        {
            var target = string.Join('-', parts[i..]);
            if (IsTriple(target) && topDirectory.EndsWith("-" + target, StringComparison.Ordinal)) return (string.Join('-', parts[..i]), target);
        }
        return topDirectory.EndsWith("-" + host, StringComparison.Ordinal) ? (component, host) : (component, "*");
    }

    private static bool IsTriple(string text) =>
        text.Length <= 80 && text.Count(c => c == '-') >= 2 && text.Split('-').All(p => p.Length > 0 && p.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.'));

    private static bool IsVersionText(string text) => text.Length is > 0 and <= 100 && text.All(c => c is >= ' ' and <= '~' and not ('"' or '\\'));

    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(CustomUploadFile file, CancellationToken cancellationToken)
    {
        await using var stream = file.Open();
        var buffer = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static string Echo(string text) => text.Length > 100 ? text[..100] + "..." : text;
}
