using System.Formats.Tar;
using System.IO.Compression;

namespace GhostCrate.Core.Tests.Advisories;

/// <summary>
/// The real RustSec advisory database (CC0): the directory named by GHOSTCRATE_RUSTSEC_DB, else the shared checkout
/// next to the repository (shared/data/rustsec-advisory-db, see its SOURCE.md), else the copy of that checkout
/// vendored in Fixtures/rustsec-advisory-db.tar.gz (crates/, LICENSE.txt, SOURCE.md), unpacked once per test run, so
/// the sweep runs on every clone instead of being skipped where the shared folder is absent.
/// </summary>
internal static class AdvisoryDatabaseLocator
{
    private static readonly Lazy<string> Vendored = new(Unpack, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Require()
    {
        if (Environment.GetEnvironmentVariable("GHOSTCRATE_RUSTSEC_DB") is { Length: > 0 } env && Directory.Exists(env))
            return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "rustsec-advisory-db");
            if (Directory.Exists(Path.Combine(candidate, "crates"))) return candidate;
        }
        return Vendored.Value;
    }

    /// <summary>Unpacked once per machine into a folder named by the archive's hash (a new copy of the data, a new folder).</summary>
    private static string Unpack()
    {
        var archive = Path.Combine(AppContext.BaseDirectory, "Fixtures", "rustsec-advisory-db.tar.gz");
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(archive)))[..16];
        var target = Path.Combine(Path.GetTempPath(), "ghostcrate-rustsec-" + hash);
        var database = Path.Combine(target, "rustsec-advisory-db");
        if (Directory.Exists(Path.Combine(database, "crates"))) return database;

        // Unpacked beside it and renamed into place, so a parallel test run never sees half a database.
        var scratch = target + "." + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(scratch);
        using (var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress))
            TarFile.ExtractToDirectory(gzip, scratch, overwriteFiles: false);
        try
        {
            Directory.Move(scratch, target);
        }
        catch (IOException) when (Directory.Exists(Path.Combine(database, "crates")))
        {
            Directory.Delete(scratch, recursive: true); // another run got there first
        }
        return database;
    }
}
