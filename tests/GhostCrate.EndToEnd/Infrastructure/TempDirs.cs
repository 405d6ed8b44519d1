using System.Security.Cryptography;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>Short random ids that make crate names, users, databases and buckets unique per test.</summary>
public static class Ids
{
    /// <summary>8 lowercase hex characters.</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}

/// <summary>Temporary folders under $TMPDIR/ghostcrate-e2e; GHOSTCRATE_E2E_KEEP=1 keeps them for a post-mortem.</summary>
public static class TempDirs
{
    public static string Base { get; } = Path.Combine(Path.GetTempPath(), "ghostcrate-e2e");

    public static string Create(string label)
    {
        var path = Path.Combine(Base, $"{label}-{Ids.New()}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        if (Environment.GetEnvironmentVariable("GHOSTCRATE_E2E_KEEP") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a process we killed may still be releasing a file.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort.
        }
    }
}
