using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// scripts/release.sh builds the archives for the runtimes this machine cannot run (linux-arm64 as .tar.gz, win-x64 as
/// .zip for the air-gapped Windows users of `ghostcrate mirror`) with a SHA256SUMS file that `sha256sum -c` accepts.
/// The linux-x64 program itself (the same scripts/publish.sh) is run by <see cref="InstallTests"/>, and its archive is
/// built twice from two clones by <see cref="ReproducibleReleaseArchiveTests"/>.
/// GHOSTCRATE_TEST_RELEASE_DIST names a folder that `bash scripts/release.sh --rid linux-arm64 --rid win-x64 --out DIR`
/// already wrote for this commit, to check it without building again (each runtime is minutes of ReadyToRun compiling).
/// </summary>
public sealed class ReleaseArchiveTests
{
    public const string PrebuiltVariable = "GHOSTCRATE_TEST_RELEASE_DIST";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_release_script_builds_arm64_and_windows_archives_with_checksums()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("the release archives are independent of the storage backends; built in the sqlite lane");
        var root = RepositoryRoot.Path;
        var prebuilt = Environment.GetEnvironmentVariable(PrebuiltVariable);
        var dist = string.IsNullOrWhiteSpace(prebuilt) ? TempDirs.Create("release") : prebuilt;
        try
        {
            if (string.IsNullOrWhiteSpace(prebuilt))
            {
                var release = await ProcessRunner.RunAsync("bash", [Path.Combine(root, "scripts", "release.sh"), "--rid", "linux-arm64", "--rid", "win-x64", "--out", dist], root,
                    timeout: TimeSpan.FromMinutes(40), cancellationToken: Cancel);
                Assert.True(release.Succeeded, release.Describe());
            }

            var version = (await ProcessRunner.RunAsync("dotnet", ["msbuild", Path.Combine(root, "src", "GhostCrate", "GhostCrate.csproj"), "-getProperty:Version", "-nologo"], root, cancellationToken: Cancel)).StdOut.Trim();
            var arm = $"ghostcrate-{version}-linux-arm64";
            var win = $"ghostcrate-{version}-win-x64";

            // SHA256SUMS names both archives with their real hashes, in the format sha256sum -c reads.
            var sums = (await File.ReadAllLinesAsync(Path.Combine(dist, "SHA256SUMS"), Cancel)).Where(l => l.Length > 0).ToList();
            Assert.Equal([$"{arm}.tar.gz", $"{win}.zip"], sums.Select(l => l[66..]).Order(StringComparer.Ordinal));
            foreach (var line in sums)
            {
                var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(dist, line[66..]), Cancel)));
                Assert.Equal(hash, line[..64]);
            }
            var check = await ProcessRunner.RunAsync("sha256sum", ["-c", "SHA256SUMS"], dist, cancellationToken: Cancel);
            Assert.True(check.Succeeded, check.Describe());

            // linux-arm64: one folder with an AArch64 ELF executable `ghostcrate` (e_machine 0xB7) and the README.
            var armEntries = new Dictionary<string, byte[]>();
            await using (var gz = new GZipStream(File.OpenRead(Path.Combine(dist, $"{arm}.tar.gz")), CompressionMode.Decompress))
            await using (var tar = new TarReader(gz))
            {
                while (await tar.GetNextEntryAsync(copyData: false, Cancel) is { } entry)
                {
                    var head = new byte[20];
                    if (entry.DataStream is { } data) await data.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, Cancel);
                    Assert.StartsWith(arm + "/", entry.Name + (entry.EntryType == TarEntryType.Directory ? "/" : ""));
                    armEntries[entry.Name] = head;
                    if (entry.Name == $"{arm}/ghostcrate") Assert.True(entry.Mode.HasFlag(UnixFileMode.UserExecute), "ghostcrate is not executable");
                }
            }
            var elf = armEntries[$"{arm}/ghostcrate"];
            Assert.Equal("\u007fELF"u8.ToArray(), elf[..4]);
            Assert.Equal(0xB7, elf[18]);
            Assert.Contains($"{arm}/README.md", armEntries.Keys);

            // win-x64: ghostcrate.exe, a PE file ("MZ"), and the README, in one folder.
            using var zip = ZipFile.OpenRead(Path.Combine(dist, $"{win}.zip"));
            Assert.All(zip.Entries, e => Assert.StartsWith(win + "/", e.FullName));
            var exe = zip.GetEntry($"{win}/ghostcrate.exe");
            Assert.NotNull(exe);
            await using (var stream = exe.Open())
            {
                var mz = new byte[2];
                await stream.ReadExactlyAsync(mz, Cancel);
                Assert.Equal("MZ"u8.ToArray(), mz);
            }
            Assert.NotNull(zip.GetEntry($"{win}/README.md"));
        }
        finally
        {
            if (string.IsNullOrWhiteSpace(prebuilt)) TempDirs.Delete(dist);
        }
    }
}
