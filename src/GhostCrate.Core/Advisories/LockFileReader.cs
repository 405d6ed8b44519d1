using System.Text;
using GhostCrate.Packaging;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// Reads the `[[package]]` entries of a Cargo.lock sent for an audit with the registry's one lock-file reader
/// (<see cref="CargoLock"/>, validated TOML), behind the audit's own size and count limits. A malformed file is an
/// error value with a message for the caller.
/// </summary>
public static class LockFileReader
{
    public const int MaxBytes = 4 * 1024 * 1024;
    public const int MaxPackages = 20_000;

    public static (IReadOnlyList<LockedPackage>? Packages, string? Error) Read(string text)
    {
        var (file, error) = ReadGraph(text);
        return (file?.Packages, error);
    }

    /// <summary>The packages with their dependency graph (the lock-file SBOM needs the edges).</summary>
    public static (LockFile? File, string? Error) ReadGraph(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes) return (null, $"Cargo.lock is larger than {MaxBytes} bytes");
        var (file, error) = CargoLock.ReadGraph(text);
        if (file is null) return (null, error);
        if (file.Packages.Count > MaxPackages) return (null, $"Cargo.lock lists more than {MaxPackages} packages");
        return (file, null);
    }
}
