using System.Diagnostics;
using System.Globalization;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests;

/// <summary>
/// `ghostcrate serve` must not watch its working directory: the default data directory (./data) lives there, and a
/// recursive watch costs one inotify watch per blob folder and an event per database or blob write (bench/README.md).
/// </summary>
public class FileWatchTests
{
    [Fact]
    public async Task The_server_watches_nothing_under_its_working_directory()
    {
        Assert.True(OperatingSystem.IsLinux(), "inotify watches are read from /proc (Linux)");
        await using var app = await TestApp.StartAsync();
        var cwd = Inode(Directory.GetCurrentDirectory());
        var watched = WatchedInodes();
        Assert.DoesNotContain(cwd, watched);
    }

    /// <summary>Inodes of every inotify watch this process holds, from /proc/self/fdinfo ("inotify wd:1 ino:1a2b ...").</summary>
    private static HashSet<long> WatchedInodes()
    {
        var inodes = new HashSet<long>();
        foreach (var info in Directory.EnumerateFiles("/proc/self/fdinfo"))
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(info);
            }
            catch (IOException)
            {
                continue; // the descriptor closed meanwhile
            }
            foreach (var line in lines.Where(l => l.StartsWith("inotify ", StringComparison.Ordinal)))
            {
                var ino = line.Split(' ').Single(p => p.StartsWith("ino:", StringComparison.Ordinal))["ino:".Length..];
                inodes.Add(long.Parse(ino, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }
        return inodes;
    }

    private static long Inode(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var text = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return long.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }
}
