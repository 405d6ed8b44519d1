using GhostCrate.Cli;

namespace GhostCrate.Web.Tests.Backup;

/// <summary>`ghostcrate backup prune` with calendar rules, through the real CLI on real backups of a migrated registry.</summary>
public sealed class BackupPruneCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("gc-prune-cli-");

    private string DataDir => Path.Combine(_root.FullName, "data");
    private string Target => Path.Combine(_root.FullName, "backups");

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] argv)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(argv, output, error, TextReader.Null);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Keep_daily_keeps_the_newest_backup_of_today_and_a_dry_run_deletes_nothing()
    {
        Assert.Equal(0, (await RunAsync("migrate", "--data-dir", DataDir)).Code);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (code, stdout, stderr) = await RunAsync("backup", "create", "--to", Target, "--data-dir", DataDir);
            Assert.True(code == 0, stderr);
            ids.Add(Path.GetFileName(stdout.Trim().Split('\n')[^1].Trim()));
        }
        // All three were taken today (UTC) unless the test ran across midnight; the newest one is today's.
        var newest = ids.Order(StringComparer.Ordinal).Last();

        var dry = await RunAsync("backup", "prune", Target, "--keep-daily", "1", "--dry-run", "--data-dir", DataDir);
        Assert.True(dry.Code == 0, dry.Err);
        Assert.Contains($"{newest}  kept", dry.Out, StringComparison.Ordinal);
        Assert.Equal(3, Directory.GetDirectories(Target).Length);

        var real = await RunAsync("backup", "prune", Target, "--keep-daily", "1", "--data-dir", DataDir);
        Assert.True(real.Code == 0, real.Err);
        Assert.Contains(newest, Directory.GetDirectories(Target).Select(Path.GetFileName));
        Assert.True(Directory.GetDirectories(Target).Length <= 2);

        var none = await RunAsync("backup", "prune", Target, "--data-dir", DataDir);
        Assert.Equal(2, none.Code);
        Assert.Contains("--keep-monthly", none.Err, StringComparison.Ordinal);
        var bad = await RunAsync("backup", "prune", Target, "--keep-weekly", "many", "--data-dir", DataDir);
        Assert.Equal(2, bad.Code);
        Assert.Contains("--keep-weekly takes a whole number", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_refuses_a_data_dir_without_a_registry_and_writes_nothing()
    {
        Directory.CreateDirectory(DataDir);
        var (code, _, stderr) = await RunAsync("backup", "create", "--to", Target, "--data-dir", DataDir);
        Assert.Equal(2, code);
        Assert.Contains("there is no registry to back up in", stderr, StringComparison.Ordinal);
        Assert.Contains(DataDir, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Target) && Directory.EnumerateFileSystemEntries(Target).Any(), "a backup folder was started");
    }

    public void Dispose() => _root.Delete(recursive: true);
}
