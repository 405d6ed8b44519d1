using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Signing;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Storage.FileSystem;

namespace GhostCrate.Mirror.Toolchains;

/// <summary>
/// `ghostcrate toolchain sync`: for each channel, fetch its manifest with the `.sha256` and `.asc` beside it; check the
/// manifest against both (the signature against the configured key, fail-closed); download the selected archives
/// through the crate mirror's downloader (resume, retry, SHA-256 from the manifest checked before a file is kept),
/// and check each against the dist server's own `.sha256` too. A channel goes live only whole: its manifest, its
/// aliases (rustup asks for `1.95` and `1.95.0`, dated or not: rustup `src/dist/mod.rs`) and links to its archives are
/// written into the next generation, which becomes the served one in one rename (<see cref="MirrorGenerations"/>).
/// A refused channel changes nothing that is served: the previous generation keeps serving it.
/// </summary>
public sealed class ToolchainSync(IHttpClientFactory httpFactory, TimeProvider time)
{
    private const int MaxSmallFile = 64 * 1024;

    public async Task<ToolchainSyncReport> SyncAsync(MirrorLayout layout, ToolchainSyncRequest request, IMirrorProgress progress, CancellationToken cancellationToken)
    {
        if (request.Signatures != SignaturePolicy.Skip && (request.TrustedKeyFile is null || !File.Exists(request.TrustedKeyFile)))
            throw new MirrorException(request.TrustedKeyFile is null
                ? "no trusted key to check the channel manifests' signatures against: pass --key FILE (the Rust release key, or the key of the GhostCrate you sync from), or --signatures skip"
                : $"the trusted key file {request.TrustedKeyFile} does not exist");
        Directory.CreateDirectory(layout.Root);
        using var mirrorLock = MirrorLock.Acquire(layout, "toolchain sync");
        progress.Phase(SyncPhases.Preparing);
        var config = (request.Download ?? (File.Exists(layout.ConfigFile) ? MirrorConfigFile.Load(layout).Download : new DownloadConfig())) with { MaxCrateBytes = request.MaxFileBytes };
        if (request.Concurrency is { } concurrency) config = config with { Concurrency = concurrency };
        var http = httpFactory.CreateClient(MirrorHttp.ClientName);
        var fetcher = new SmallFileFetcher(http, config, time);
        var downloader = new CrateDownloader(http, layout, config, progress);
        var server = request.DistServer.AbsoluteUri.TrimEnd('/') + "/";

        progress.Phase(SyncPhases.Syncing);
        var accepted = new List<(ChannelName Channel, ChannelManifest Manifest, byte[]? Signature, IReadOnlyList<ToolchainFile> Files)>();
        var reports = new List<ChannelReport>();
        foreach (var channel in request.Channels)
        {
            var warnings = new List<string>();
            try
            {
                var (manifest, signature) = await FetchManifestAsync(fetcher, server, channel, request, warnings, cancellationToken);
                var files = request.Selection.Select(manifest);
                var (downloaded, bytes) = await DownloadAllAsync(downloader, fetcher, layout, server, files, config.Concurrency, progress, cancellationToken);
                accepted.Add((channel, manifest, signature, files));
                reports.Add(new ChannelReport(channel.ToString(), manifest.RustVersion, manifest.Date, files.Count, downloaded, bytes, null, warnings));
                progress.Note($"{channel}: Rust {manifest.RustVersion} ({manifest.Date}), {files.Count} file(s) verified");
            }
            catch (MirrorException ex)
            {
                reports.Add(new ChannelReport(channel.ToString(), null, null, 0, 0, 0, ex.Message, warnings));
                progress.Note($"{channel}: refused: {ex.Message}");
            }
        }

        // rustup 1.29 checks for its own update after every install and update and fails when it cannot read this file.
        var release = await fetcher.GetAsync(new Uri(server + "rustup/release-stable.toml"), MaxSmallFile, cancellationToken);
        string? rustupVersion = null;
        try
        {
            rustupVersion = release is null ? null : RustupRelease.Version(release);
        }
        catch (MirrorException ex)
        {
            progress.Note($"rustup/release-stable.toml is not served: {ex.Message}");
            release = null;
        }
        var rustupInit = rustupVersion is null ? []
            : await RustupInitFiles.SyncAsync(downloader, fetcher, layout, server, rustupVersion, request.Selection.Hosts, progress, cancellationToken);

        progress.Phase(SyncPhases.Committing);
        var switched = false;
        IReadOnlyList<RemovedRelease> retired = [];
        if (accepted.Count > 0 || release is not null)
        {
            var next = MirrorGenerations.Begin(layout);
            var served = next.Full(DistPaths.Folder);
            foreach (var (channel, manifest, signature, files) in accepted)
            {
                foreach (var file in files) LinkArchive(layout, served, file.RelativePath);
                foreach (var path in AliasPaths(channel, manifest, served)) WriteManifest(served, path, manifest.Bytes, signature);
            }
            if (release is not null) WriteFile(Path.Combine(served, "rustup", "release-stable.toml"), release);
            foreach (var (stored, servedAs) in rustupInit) RustupInitFiles.Link(layout, served, stored, servedAs);
            IReadOnlyList<string> unserved = [];
            if (request.KeepStable is { } keep) (retired, unserved) = ToolchainRetention.Apply(served, keep);
            // A run that found nothing new keeps the served generation: a new one would only cost a switch, and an
            // export since the last mark, the previous generation kept for readers, and `mirror diff` would all see
            // churn where nothing changed.
            if (SameAsServed(layout, served))
            {
                next.Discard();
            }
            else
            {
                next.Commit();
                switched = true;
            }
            // Only now, with no served generation naming them, the retired archives leave the store (the previous
            // generation, kept for readers that resolved it just before the switch, holds its own hard links).
            foreach (var relative in unserved)
            {
                var stored = Store(layout, relative);
                File.Delete(stored);
                File.Delete(stored + ".sha256");
                if (Path.GetDirectoryName(stored) is { } folder && Directory.Exists(folder) && Directory.GetFileSystemEntries(folder).Length == 0) Directory.Delete(folder);
            }
            foreach (var gone in retired) progress.Note($"retention: Rust {gone.Version} ({gone.Date}) is no longer served");
        }
        return new ToolchainSyncReport(reports, switched, rustupVersion)
        {
            Retired = retired,
            RustupInitHosts = rustupInit.Where(f => f.ServedAs.StartsWith("rustup/dist/", StringComparison.Ordinal)).Select(f => f.ServedAs.Split('/')[2]).ToList(),
        };
    }

    private static async Task<(ChannelManifest, byte[]?)> FetchManifestAsync(SmallFileFetcher fetcher, string server, ChannelName channel, ToolchainSyncRequest request,
        List<string> warnings, CancellationToken cancellationToken)
    {
        var url = new Uri(server + channel.ManifestPath);
        var sha = await fetcher.GetAsync(new Uri(url + ".sha256"), MaxSmallFile, cancellationToken)
            ?? throw new MirrorException($"the dist server has no {channel.ManifestPath}.sha256 (is `{channel}` published there?)");
        var bytes = await fetcher.GetAsync(url, ChannelManifest.MaxBytes, cancellationToken)
            ?? throw new MirrorException($"the dist server has no {channel.ManifestPath}");
        var expected = Sha256File.Parse(sha) ?? throw new MirrorException($"{channel.ManifestPath}.sha256 does not start with a SHA-256");
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != expected) throw new MirrorException($"{channel.ManifestPath} hashes to {actual}, its .sha256 says {expected}");

        byte[]? signature = null;
        if (request.Signatures != SignaturePolicy.Skip)
        {
            signature = await fetcher.GetAsync(new Uri(url + ".asc"), ArmoredSignature.MaxFileBytes, cancellationToken);
            try
            {
                if (signature is null) throw new MirrorException($"the dist server has no {channel.ManifestPath}.asc");
                await using var keys = File.OpenRead(request.TrustedKeyFile!);
                OpenPgpSignature.VerifyExternal(new MemoryStream(bytes), signature, keys, channel.ManifestPath);
            }
            catch (MirrorException ex) when (request.Signatures == SignaturePolicy.Warn)
            {
                warnings.Add($"signature not verified: {ex.Message}");
                signature = null; // not served: an .asc that does not verify tells rustup users nothing
            }
        }
        var manifest = ChannelManifest.Parse(bytes);
        if (channel.Date is { } date && date != manifest.Date)
            throw new MirrorException($"{channel.ManifestPath} says it is the release of {manifest.Date}");
        return (manifest, signature);
    }

    private async Task<(int Downloaded, long Bytes)> DownloadAllAsync(CrateDownloader downloader, SmallFileFetcher fetcher, MirrorLayout layout, string server,
        IReadOnlyList<ToolchainFile> files, int concurrency, IMirrorProgress progress, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var downloaded = 0;
        long bytes = 0;
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (file, ct) =>
        {
            try
            {
                var final = Store(layout, file.RelativePath);
                if (!File.Exists(final))
                {
                    // The dist server's own checksum file must agree with the manifest before a byte is fetched.
                    var sha = await fetcher.GetAsync(new Uri(server + file.RelativePath + ".sha256"), MaxSmallFile, ct)
                        ?? throw new MirrorException($"{file.RelativePath}: the dist server has no .sha256 for it");
                    if (Sha256File.Parse(sha) != file.Sha256)
                        throw new MirrorException($"{file.RelativePath}: the dist server's .sha256 says {Sha256File.Parse(sha) ?? "nothing readable"}, the manifest says {file.Sha256}");
                }
                var request = new DownloadRequest(file.Package, file.Target, file.Sha256, new Uri(server + file.RelativePath), final,
                    Path.Combine(layout.PartialDir, DistPaths.Folder, file.RelativePath + ".part"));
                progress.FileQueued(request);
                var outcome = await downloader.DownloadAsync(request, ct);
                if (!outcome.Succeeded) throw new MirrorException($"{file.RelativePath}: {outcome.Status.ToString().ToLowerInvariant()}: {outcome.Error}");
                if (outcome.Status == DownloadStatus.Downloaded)
                {
                    Interlocked.Increment(ref downloaded);
                    Interlocked.Add(ref bytes, outcome.Size);
                }
                var sidecar = final + ".sha256";
                if (!File.Exists(sidecar)) AtomicFile.Write(layout, sidecar, Sha256File.Render(file.Sha256, Path.GetFileName(final)));
            }
            catch (MirrorException ex)
            {
                lock (failures) failures.Add(ex.Message);
            }
        });
        if (failures.Count > 0)
            throw new MirrorException($"{failures.Count} of {files.Count} file(s) could not be mirrored, so the channel is not served: {string.Join("; ", failures.Order(StringComparer.Ordinal).Take(5))}");
        return (downloaded, bytes);
    }

    /// <summary>True when the staged toolchain tree holds exactly the files, sizes and metadata bytes served now.</summary>
    private static bool SameAsServed(MirrorLayout layout, string staged) =>
        layout.PinnedToolchainsDir() is { } current && ToolchainTree.Describe(current).SequenceEqual(ToolchainTree.Describe(staged));

    internal static string Store(MirrorLayout layout, string relative)
    {
        DistPaths.CheckRelative(relative);
        return Path.Combine(layout.ToolchainStoreDir, relative.Replace('/', Path.DirectorySeparatorChar));
    }

    /// <summary>The archive and its .sha256 appear in the staged generation as hard links to the verified store.</summary>
    private static void LinkArchive(MirrorLayout layout, string served, string relative)
    {
        var source = Store(layout, relative);
        foreach (var (from, to) in new[] { (source, Path.Combine(served, relative)), (source + ".sha256", Path.Combine(served, relative + ".sha256")) })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (File.Exists(to)) continue;
            if (LinuxNative.TryLink(from, to) != LinkResult.Linked) File.Copy(from, to);
        }
    }

    /// <summary>
    /// Every name rustup may ask for this release by: the channel itself, and for a stable release its `X.Y.Z` and
    /// `X.Y` (the highest patch wins), each undated and in the release's date folder. Upstream serves the same bytes
    /// under each name, so the manifest is unchanged and its upstream signature still holds.
    /// </summary>
    private static IEnumerable<string> AliasPaths(ChannelName channel, ChannelManifest manifest, string served)
    {
        var names = new List<string> { channel.Name };
        if (manifest.RustVersion is { } version && Version.TryParse(version, out var parsed) && parsed.Build >= 0 && channel.Name is not ("beta" or "nightly"))
        {
            names.Add(version);
            var minor = $"{parsed.Major}.{parsed.Minor}";
            var existing = Path.Combine(served, "dist", DistPaths.ManifestName(minor));
            if (channel.Name == minor || !File.Exists(existing) || !(ReadVersion(existing) is { } current && current > parsed)) names.Add(minor);
        }
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (channel.Date is null) yield return $"dist/{DistPaths.ManifestName(name)}";
            yield return $"dist/{manifest.Date}/{DistPaths.ManifestName(name)}";
        }
    }

    private static Version? ReadVersion(string manifestFile)
    {
        try
        {
            return Version.TryParse(ChannelManifest.Parse(File.ReadAllBytes(manifestFile)).RustVersion, out var v) ? v : null;
        }
        catch (MirrorException)
        {
            return null;
        }
    }

    /// <summary>The manifest, its .sha256 and its .asc are replaced together (rustup 1.29 warns on a mismatching pair).</summary>
    private static void WriteManifest(string served, string relative, byte[] bytes, byte[]? signature)
    {
        var path = Path.Combine(served, relative.Replace('/', Path.DirectorySeparatorChar));
        WriteFile(path, bytes);
        WriteFile(path + ".sha256", Sha256File.Render(Convert.ToHexStringLower(SHA256.HashData(bytes)), Path.GetFileName(path)));
        if (signature is not null) WriteFile(path + ".asc", signature);
        else if (File.Exists(path + ".asc")) File.Delete(path + ".asc");
    }

    /// <summary>Staged generation files are private until the switch (one syncfs then): unlink any shared hard link, write.</summary>
    private static void WriteFile(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path)) File.Delete(path);
        File.WriteAllBytes(path, content);
    }
}

/// <summary>The `.sha256` files of a dist server: `HASH  FILENAME` (sha256sum's format), or the hash alone.</summary>
public static class Sha256File
{
    public static string? Parse(byte[] content)
    {
        var text = Encoding.ASCII.GetString(content, 0, Math.Min(content.Length, 64));
        return text.Length == 64 && text.All(char.IsAsciiHexDigit) ? text.ToLowerInvariant() : null;
    }

    public static byte[] Render(string sha256, string fileName) => Encoding.ASCII.GetBytes($"{sha256}  {fileName}\n");
}

/// <summary>`rustup/release-stable.toml`: `schema-version = "1"`, `version = "1.29.0"` (rustup `src/cli/self_update.rs`).</summary>
public static class RustupRelease
{
    /// <summary>The real file is two lines; anything this large is not it.</summary>
    private const int MaxBytes = 64 * 1024;

    public static string Version(byte[] content)
    {
        if (content.Length > MaxBytes) throw new MirrorException($"rustup/release-stable.toml is {content.Length} bytes, above the limit of {MaxBytes}");
        var parsed = GhostCrate.Packaging.Toml.TomlReader.Parse(Encoding.UTF8.GetString(content), maxDepth: 2);
        var table = parsed.Document ?? throw new MirrorException($"rustup/release-stable.toml is not TOML: {parsed.Error}");
        if (!table.TryGetValue("schema-version", out var schema) || schema as string != "1")
            throw new MirrorException("rustup/release-stable.toml does not have schema-version \"1\"");
        return table.TryGetValue("version", out var version) && version is string v && System.Version.TryParse(v, out _)
            ? v
            : throw new MirrorException("rustup/release-stable.toml has no version");
    }
}
