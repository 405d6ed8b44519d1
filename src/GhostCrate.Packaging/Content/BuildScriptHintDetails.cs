namespace GhostCrate.Packaging.Content;

/// <summary>
/// The <see cref="ContentFlag.Detail"/> of each build-script hint (<see cref="ContentFlagKinds.BuildScriptHint"/>), so
/// that rules outside this assembly (the approval hold's `build-script-network`) name a hint without copying its text.
/// </summary>
public static class BuildScriptHintDetails
{
    public const string RunsPrograms = "runs programs (std::process::Command)";
    public const string OpensConnections = "opens network connections (std::net)";
    public const string HttpClient = "uses an HTTP client crate";
    public const string Downloader = "mentions curl or wget";
    public const string AbsoluteInclude = "includes a file by absolute path (include_bytes!/include_str! of /...)";
    public const string HomeOrSecrets = "reads the home directory or SSH/cloud credentials";

    /// <summary>The hints that mean the script may reach the network: connections, an HTTP client, a downloader.</summary>
    public static IReadOnlyList<string> Network { get; } = [OpensConnections, HttpClient, Downloader];
}
