using System.Reflection;

namespace GhostCrate.Cli;

/// <summary>
/// What `ghostcrate --version` prints: the version and the commit it was built from. The SDK appends the commit to
/// the informational version as `+{SourceRevisionId}` (Source Link reads it from git at build time; scripts/release.sh
/// passes it explicitly, so a build from an exported tree still names its commit).
/// </summary>
public static class BuildInfo
{
    public static string Version { get; } = Describe(typeof(BuildInfo).Assembly);

    public static string Describe(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "unknown";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        if (commit.Length > 12) commit = commit[..12];
        return $"ghostcrate {version} (commit {commit})";
    }
}
