using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Signing;
using GhostCrate.Packaging.Docs;
using GhostCrate.Packaging.Toolchains;

namespace GhostCrate.Mirror.Toolchains.Custom;

/// <summary>What <see cref="CustomToolchainInstaller"/> unpacked.</summary>
public sealed record CustomInstallReport(string Name, string Version, string Host, string Directory, IReadOnlyList<string> Components, string? SignedBy);

/// <summary>
/// `ghostcrate toolchain install NAME`: the client side of a custom toolchain. rustup 1.29 installs only the official
/// channel names (`rustup toolchain install acme-1.95-patched` fails with "invalid toolchain name"), but links any
/// other name to a folder (`rustup toolchain link`). So this reads the custom toolchain's manifest from its dist root
/// (`{dist server}/custom/NAME/`) as rustup reads one: the manifest must match its `.sha256` (and, with a key, its
/// `.asc`), every archive must match the manifest's SHA-256, and each is unpacked the way rustup's installer does
/// (rust-installer format 3: the files each component's `manifest.in` names, executable bits kept). The folder is
/// written beside its final place and renamed into it only when every archive was good; a refused install leaves the
/// previous folder as it was.
/// </summary>
public sealed class CustomToolchainInstaller(HttpClient http, TimeProvider time)
{
    private const int MaxManifestBytes = ChannelManifest.MaxBytes;
    private const int MaxArchiveBytes = int.MaxValue;

    public async Task<CustomInstallReport> InstallAsync(Uri distServer, string name, string directory, string? trustedKeyFile, CancellationToken cancellationToken)
    {
        if (CustomToolchainName.Check(name) is { } badName) throw new MirrorException(badName);
        var root = new Uri(distServer.AbsoluteUri.TrimEnd('/') + $"/custom/{name}/");
        var fetcher = new SmallFileFetcher(http, new DownloadConfig(), time);
        var manifestUrl = new Uri(root, $"dist/{DistPaths.ManifestName(name)}");
        var sidecar = await fetcher.GetAsync(new Uri(manifestUrl + ".sha256"), 1024, cancellationToken)
            ?? throw new MirrorException($"{root} serves no custom toolchain `{name}` ({manifestUrl}.sha256 answered 404); `/toolchains` on the server lists the ones it has");
        var bytes = await fetcher.GetAsync(manifestUrl, MaxManifestBytes, cancellationToken)
            ?? throw new MirrorException($"{manifestUrl} answered 404 although its .sha256 exists; try again");
        var expected = Sha256File.Parse(sidecar) ?? throw new MirrorException($"{manifestUrl}.sha256 does not start with a SHA-256: refused (nothing installed)");
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != expected) throw new MirrorException($"the manifest {manifestUrl} has SHA-256 {actual}, but its .sha256 says {expected}: refused (nothing installed)");

        string? signedBy = null;
        if (trustedKeyFile is not null)
        {
            var signature = await fetcher.GetAsync(new Uri(manifestUrl + ".asc"), ArmoredSignature.MaxFileBytes, cancellationToken)
                ?? throw new MirrorException($"{manifestUrl}.asc answered 404: the server signs custom manifests only with Mirror:ExportKeyFile set; install without --key, or ask its administrator");
            await using var keys = File.OpenRead(trustedKeyFile);
            signedBy = OpenPgpSignature.VerifyExternal(new MemoryStream(bytes), signature, keys, "the custom toolchain manifest");
        }

        var manifest = ChannelManifest.Parse(bytes);
        var rust = manifest.Packages.GetValueOrDefault("rust") ?? throw new MirrorException("the manifest has no `pkg.rust`");
        var (host, hostTarget) = rust.Targets.FirstOrDefault(t => t.Value.Available);
        if (hostTarget is null) throw new MirrorException("the manifest's `pkg.rust` is available for no host");
        var refs = hostTarget.Components.Concat(hostTarget.Extensions).ToList();

        var parent = Path.GetDirectoryName(Path.GetFullPath(directory))!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(Path.GetFullPath(directory))}.installing-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        var installed = new List<string>();
        try
        {
            foreach (var reference in refs)
            {
                if (!manifest.Packages.TryGetValue(reference.Pkg, out var package) || !package.Targets.TryGetValue(reference.Target, out var target) || !target.Available)
                    throw new MirrorException($"the manifest lists `{reference.Pkg}` for `{reference.Target}` but does not publish it");
                var archive = target.Archives.FirstOrDefault(a => a.Format == "gz")
                    ?? throw new MirrorException($"`{reference.Pkg}` for `{reference.Target}` has no .tar.gz archive");
                var relative = DistPaths.RelativeFromUrl(archive.Url);
                var url = new Uri(root, relative);
                var data = await fetcher.GetAsync(url, MaxArchiveBytes, cancellationToken)
                    ?? throw new MirrorException($"{url} answered 404 (the toolchain was replaced or deleted meanwhile?)");
                var hash = Convert.ToHexStringLower(SHA256.HashData(data));
                if (hash != archive.Sha256)
                    throw new MirrorException($"{Path.GetFileName(relative)} has SHA-256 {hash}, but the manifest says {archive.Sha256}: refused (nothing installed)");
                Unpack(data, Path.GetFileName(relative), staging);
                installed.Add(reference.Target == "*" || (reference.Target == host && reference.Pkg != "rust-std") ? reference.Pkg : $"{reference.Pkg}-{reference.Target}");
            }
            Replace(staging, Path.GetFullPath(directory));
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
        return new CustomInstallReport(name, rust.Version, host, Path.GetFullPath(directory), installed, signedBy);
    }

    /// <summary>Unpacks one component archive into <paramref name="into"/> after the hostile-archive checks.</summary>
    private static void Unpack(byte[] data, string fileName, string into)
    {
        var limits = new DocsArchiveLimits(16L * 1024 * 1024 * 1024, 500_000, 1024);
        var (facts, error) = InstallerArchive.Read(data, fileName, limits);
        if (error is not null) throw new MirrorException(error);
        var prefix = facts!.TopDirectory + "/";
        using var gzip = new GZipStream(new MemoryStream(data, writable: false), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !entry.Name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var inside = entry.Name[prefix.Length..];
            var slash = inside.IndexOf('/');
            if (slash <= 0) continue;
            var component = facts.Components.FirstOrDefault(c => c.Name == inside[..slash]);
            var path = inside[(slash + 1)..];
            if (component is null || !component.Installs(path)) continue;
            // The scan refused `..`, absolute paths and links; the target stays inside the folder.
            var target = Path.GetFullPath(Path.Combine(into, path));
            if (!target.StartsWith(Path.GetFullPath(into) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new MirrorException($"{fileName}: `{path}` would land outside the toolchain folder");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using (var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None))
                entry.DataStream?.CopyTo(output);
            // rustup keeps an executable bit and drops the rest of the mode (rustup `src/dist/component/package.rs`).
            var executable = (entry.Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(target, executable
                    ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                    : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    /// <summary>Moves the finished folder into place; an earlier install of the name is removed only after that.</summary>
    private static void Replace(string staging, string directory)
    {
        string? old = null;
        if (Directory.Exists(directory))
        {
            old = $"{directory}.old-{Guid.NewGuid():N}";
            Directory.Move(directory, old);
        }
        Directory.Move(staging, directory);
        if (old is not null) Directory.Delete(old, recursive: true);
    }
}
