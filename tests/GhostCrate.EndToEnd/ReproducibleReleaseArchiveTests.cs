using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// scripts/release.sh says its archives are reproducible: two clones of one commit, at paths of different length, with
/// different umasks, time zones and SOURCE_DATE_EPOCH, build byte-identical linux-x64 archives. Then the same short clone
/// shows that `ghostcrate --version` of a second install after a new commit names the new commit (an incremental publish
/// under artifacts/publish/ must not ship the previous stamp). Both need a clone of their own (a build of the working
/// tree would include uncommitted changes), so they share the clones and run as one test: two full ReadyToRun publishes
/// (side by side) and two incremental ones.
/// </summary>
public sealed class ReproducibleReleaseArchiveTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(40);

    [Fact]
    public async Task Clones_at_different_paths_build_identical_archives_and_a_reinstall_after_a_commit_names_the_new_commit()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("the release archives are independent of the storage backends; built in the sqlite lane");
        var root = RepositoryRoot.Path;
        var work = TempDirs.Create("reproducible");
        try
        {
            var head = (await GitAsync(root, "rev-parse", "HEAD")).Trim();
            var shortClone = Path.Combine(work, "a");
            // 29 characters longer: every absolute path a build could leak moves by that much.
            var longClone = Path.Combine(work, "a-clone-at-a-much-longer-path");
            await CloneAsync(root, head, shortClone, umask: "022");
            await CloneAsync(root, head, longClone, umask: "077");

            // Two builds at once (they have separate artifacts/ folders and locks), in different time zones and umasks.
            var builds = await Task.WhenAll(
                ReleaseAsync(shortClone, Path.Combine(work, "dist-a"), umask: "022", timeZone: "UTC", sourceDateEpoch: "1"),
                ReleaseAsync(longClone, Path.Combine(work, "dist-b"), umask: "077", timeZone: "Pacific/Kiritimati", sourceDateEpoch: "2000000000"));
            Assert.All(builds, b => Assert.True(b.Result.Succeeded, b.Result.Describe()));
            TestContext.Current.TestOutputHelper?.WriteLine($"release builds took {builds[0].Result.Elapsed} and {builds[1].Result.Elapsed} (side by side)");

            var archiveA = await File.ReadAllBytesAsync(builds[0].Archive, Cancel);
            var archiveB = await File.ReadAllBytesAsync(builds[1].Archive, Cancel);
            if (!archiveA.AsSpan().SequenceEqual(archiveB))
            {
                Assert.Fail($"the linux-x64 archives of {head[..12]} differ ({archiveA.Length} and {archiveB.Length} bytes): {await FirstDifferenceAsync(builds[0].Archive, builds[1].Archive)}");
            }
            // SHA256SUMS of both builds name the same hash.
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(work, "dist-a", "SHA256SUMS"), Cancel), await File.ReadAllTextAsync(Path.Combine(work, "dist-b", "SHA256SUMS"), Cancel));

            // A second install after a new commit names that commit: the first install reuses the release build above
            // (nothing changed), the second follows a commit, which changes nothing but the stamp.
            var prefix = Path.Combine(work, "prefix");
            Assert.Equal(head[..12], await InstallAndReadCommitAsync(shortClone, prefix));
            await GitAsync(shortClone, "-c", "user.name=GhostCrate Test", "-c", "user.email=test@example.invalid", "commit", "--quiet", "--allow-empty", "-m", "a new commit");
            var next = (await GitAsync(shortClone, "rev-parse", "HEAD")).Trim();
            Assert.NotEqual(head, next);
            Assert.Equal(next[..12], await InstallAndReadCommitAsync(shortClone, prefix));
        }
        finally
        {
            TempDirs.Delete(work);
        }
    }

    private static async Task<string> GitAsync(string directory, params string[] args)
    {
        var git = await ProcessRunner.RunAsync("git", args, directory, cancellationToken: Cancel);
        Assert.True(git.Succeeded, git.Describe());
        return git.StdOut;
    }

    private static async Task CloneAsync(string source, string commit, string destination, string umask)
    {
        var clone = await ProcessRunner.RunAsync("bash", ["-c", $"umask {umask} && git clone --quiet --no-checkout \"$0\" \"$1\" && git -C \"$1\" checkout --quiet --detach \"$2\"", source, destination, commit],
            Path.GetDirectoryName(destination)!, cancellationToken: Cancel);
        Assert.True(clone.Succeeded, clone.Describe());
    }

    private static async Task<(ProcessResult Result, string Archive)> ReleaseAsync(string clone, string dist, string umask, string timeZone, string sourceDateEpoch)
    {
        var environment = new Dictionary<string, string?> { ["TZ"] = timeZone, ["SOURCE_DATE_EPOCH"] = sourceDateEpoch };
        var result = await ProcessRunner.RunAsync("bash", ["-c", $"umask {umask} && exec bash scripts/release.sh --rid linux-x64 --out \"$0\"", dist],
            clone, environment, timeout: BuildTimeout, cancellationToken: Cancel);
        var archive = Directory.Exists(dist) ? Directory.GetFiles(dist, "ghostcrate-*-linux-x64.tar.gz").SingleOrDefault() : null;
        return (result, archive ?? Path.Combine(dist, "missing.tar.gz"));
    }

    /// <summary>install.sh from <paramref name="clone"/>; the 12 characters of the commit `ghostcrate --version` names.</summary>
    private static async Task<string> InstallAndReadCommitAsync(string clone, string prefix)
    {
        var install = await ProcessRunner.RunAsync("bash", [Path.Combine(clone, "scripts", "install.sh"), "--prefix", prefix], clone,
            timeout: BuildTimeout, cancellationToken: Cancel);
        Assert.True(install.Succeeded, install.Describe());
        var version = await ProcessRunner.RunAsync(Path.Combine(prefix, "bin", "ghostcrate"), ["--version"], Path.GetTempPath(), cancellationToken: Cancel);
        Assert.True(version.Succeeded, version.Describe());
        var match = System.Text.RegularExpressions.Regex.Match(version.StdOut, @"\(commit ([0-9a-f]{12})\)");
        Assert.True(match.Success, version.Describe());
        return match.Groups[1].Value;
    }

    /// <summary>The first entry of the two archives that differs, and how (name, mode, times, owner, size or content).</summary>
    private static async Task<string> FirstDifferenceAsync(string a, string b)
    {
        var left = await EntriesAsync(a);
        var right = await EntriesAsync(b);
        for (var i = 0; i < Math.Max(left.Count, right.Count); i++)
        {
            if (i >= left.Count) return $"only the second has {right[i].Name}";
            if (i >= right.Count) return $"only the first has {left[i].Name}";
            if (left[i] != right[i]) return $"first differing entry: {left[i]} against {right[i]}";
        }
        return "the entries are identical; the tar headers' other fields or the gzip framing differ";
    }

    private sealed record Entry(string Name, TarEntryType Type, UnixFileMode Mode, long ModifiedUnix, int Uid, int Gid, string Owner, long Length, string Sha256);

    private static async Task<List<Entry>> EntriesAsync(string archive)
    {
        var entries = new List<Entry>();
        await using var gz = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
        await using var tar = new TarReader(gz);
        while (await tar.GetNextEntryAsync(copyData: false, Cancel) is { } entry)
        {
            var hash = entry.DataStream is { } data ? Convert.ToHexStringLower(await SHA256.HashDataAsync(data, Cancel)) : "";
            entries.Add(new Entry(entry.Name, entry.EntryType, entry.Mode, entry.ModificationTime.ToUnixTimeSeconds(), entry.Uid, entry.Gid,
                entry is PosixTarEntry posix ? $"{posix.UserName}:{posix.GroupName}" : "", entry.Length, hash));
        }
        return entries;
    }
}
