using GhostCrate.Core.Options;

namespace GhostCrate.Core.Tests.Backup;

/// <summary>Backup:IncludeProxyCache: passed to every server-run backup, and refused where it could not do anything.</summary>
public sealed class BackupOptionsTests
{
    private static readonly ProxyOptions ProxyOn = new() { Enabled = true };

    [Fact]
    public void Server_run_backups_include_the_proxy_cache_only_when_the_setting_says_so()
    {
        Assert.False(new BackupOptions { Target = "/srv/backups" }.CreateOptions().IncludeProxyCache);
        Assert.True(new BackupOptions { Target = "/srv/backups", IncludeProxyCache = true }.CreateOptions().IncludeProxyCache);
        Assert.Empty(BackupOptions.Validate(new() { Target = "/srv/backups", IncludeProxyCache = true }, ProxyOn));
    }

    [Fact]
    public void Including_the_proxy_cache_needs_a_target_and_the_proxy()
    {
        Assert.Contains(BackupOptions.Validate(new() { IncludeProxyCache = true }, ProxyOn),
            e => e.StartsWith("Backup:IncludeProxyCache applies to the server's backups, which need Backup:Target", StringComparison.Ordinal));
        Assert.Contains(BackupOptions.Validate(new() { Target = "/srv/backups", IncludeProxyCache = true }, new ProxyOptions()),
            e => e.StartsWith("Backup:IncludeProxyCache is on but Proxy:Enabled is off", StringComparison.Ordinal));
        Assert.Empty(BackupOptions.Validate(new() { Target = "/srv/backups" }, new ProxyOptions()));
    }
}
