namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>The real RustSec advisory database for `ghostcrate advisories sync`.</summary>
public static class RustSecDatabase
{
    /// <summary>
    /// The shared RustSec checkout (or GHOSTCRATE_RUSTSEC_DB): a folder holding crates/. Else the copy vendored for the
    /// Core tests, a .tar.gz whose one top folder holds crates/.
    /// </summary>
    public static string Location()
    {
        if (Environment.GetEnvironmentVariable("GHOSTCRATE_RUSTSEC_DB") is { Length: > 0 } env && Directory.Exists(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "rustsec-advisory-db");
            if (Directory.Exists(Path.Combine(candidate, "crates"))) return candidate;
        }
        return Path.Combine(RepositoryRoot.Path, "tests", "GhostCrate.Core.Tests", "Fixtures", "rustsec-advisory-db.tar.gz");
    }
}
