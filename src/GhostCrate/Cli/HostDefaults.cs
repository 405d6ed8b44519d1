namespace GhostCrate.Cli;

/// <summary>What every web host GhostCrate builds is told at creation.</summary>
internal static class HostDefaults
{
    /// <summary>
    /// The host's default appsettings.json source would watch the content root (the working directory, which usually
    /// holds ./data or a mirror) with a recursive FileSystemWatcher: one inotify watch per folder (10k at 10k crates),
    /// an event for every database or blob write, and memory for each. GhostCrate reads its own configuration sources
    /// once (ConfigurationFactory), so nothing may watch.
    /// </summary>
    public static readonly string[] Args = ["--hostBuilder:reloadConfigOnChange=false"];
}
