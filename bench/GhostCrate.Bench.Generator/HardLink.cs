using System.Runtime.InteropServices;

namespace GhostCrate.Bench;

/// <summary>link(2): a second name for an existing file (Linux; the benchmark only runs there).</summary>
internal static class HardLink
{
    public static bool TryCreate(string existing, string newPath) =>
        OperatingSystem.IsLinux() && File.Exists(existing) && Link(existing, newPath) == 0;

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string oldPath, string newPath);
}
