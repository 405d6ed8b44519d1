using GhostCrate.Core.Options;

namespace GhostCrate.Core.Tests.Backup;

/// <summary>Backup:IncludeProxyCache and Backup:IncludeMirror: passed to every server-run backup, and refused where they could not do anything.</summary>
public sealed class BackupOptionsTests
{
    private static readonly ProxyOptions ProxyOn = new() { Enabled = true };
    private static readonly MirrorOptions NoMirror = new();
    private static readonly MirrorOptions MirrorOn = new() { Directory = "/srv/mirror" };

    [Fact]
    public void Server_run_backups_include_the_proxy_cache_only_when_the_setting_says_so()
    {
        Assert.False(new BackupOptions { Target = "/srv/backups" }.CreateOptions(NoMirror).IncludeProxyCache);
        Assert.True(new BackupOptions { Target = "/srv/backups", IncludeProxyCache = true }.CreateOptions(NoMirror).IncludeProxyCache);
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

    [Fact]
    public void Server_run_backups_include_the_mirror_directory_only_when_the_setting_says_so()
    {
        Assert.Null(new BackupOptions { Target = "/srv/backups" }.CreateOptions(MirrorOn).MirrorDirectory);
        Assert.Equal("/srv/mirror", new BackupOptions { Target = "/srv/backups", IncludeMirror = true }.CreateOptions(MirrorOn).MirrorDirectory);
        Assert.Empty(BackupOptions.Validate(new() { Target = "/srv/backups", IncludeMirror = true }, null, MirrorOn));
    }

    [Fact]
    public void Including_the_mirror_needs_a_target_and_a_mirror_directory()
    {
        Assert.Contains(BackupOptions.Validate(new() { IncludeMirror = true }, null, MirrorOn),
            e => e.StartsWith("Backup:IncludeMirror applies to the server's backups, which need Backup:Target", StringComparison.Ordinal));
        Assert.Contains(BackupOptions.Validate(new() { Target = "/srv/backups", IncludeMirror = true }, null, NoMirror),
            e => e.StartsWith("Backup:IncludeMirror is on but Mirror:Directory is not set", StringComparison.Ordinal));
        Assert.Empty(BackupOptions.Validate(new() { Target = "/srv/backups" }, null, NoMirror));
    }
}
