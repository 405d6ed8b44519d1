using GhostCrate.Cli;

namespace GhostCrate.Web.Tests.Backup;

/// <summary>`backup create`'s switches take no value, so the option after one keeps its own (docs/backup-and-restore.md).</summary>
public sealed class BackupCreateArgsTests
{
    [Fact]
    public void Full_and_include_proxy_cache_are_switches_and_leave_the_next_option_alone()
    {
        var args = ParsedArgs.Parse(["backup", "create", "--to", "/srv/backups", "--full", "--include-proxy-cache", "--data-dir", "/srv/ghostcrate"]);

        Assert.True(args.Has("--full"));
        Assert.True(args.Has("--include-proxy-cache"));
        Assert.Equal("/srv/ghostcrate", args.Option("--data-dir"));
        Assert.Equal(["backup", "create"], args.Positionals);
    }
}
