namespace GhostCrate.Core.Tests.Advisories;

/// <summary>
/// Finds the shared RustSec advisory database (a checkout of rustsec/advisory-db kept next to the repository,
/// see shared/data/rustsec-advisory-db/SOURCE.md), or the directory named by GHOSTCRATE_RUSTSEC_DB.
/// </summary>
internal static class AdvisoryDatabaseLocator
{
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("GHOSTCRATE_RUSTSEC_DB") is { Length: > 0 } env && Directory.Exists(env))
            return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "rustsec-advisory-db");
            if (Directory.Exists(Path.Combine(candidate, "crates"))) return candidate;
        }
        return null;
    }

    public static string Require()
    {
        var found = Find();
        if (found is null) Assert.Skip("RustSec advisory database not found (set GHOSTCRATE_RUSTSEC_DB)");
        return found!;
    }
}
