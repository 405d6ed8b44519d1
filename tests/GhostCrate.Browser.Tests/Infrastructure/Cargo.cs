using System.Diagnostics;
using System.Text;

namespace GhostCrate.Browser.Tests.Infrastructure;

/// <summary>The real cargo with a throwaway CARGO_HOME that knows one registry, "ghostcrate", at the test server.</summary>
public sealed class Cargo(UiServer server) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gc-browser-cargo-" + Guid.NewGuid().ToString("N"));

    /// <summary>CARGO_TARGET_DIR of every command (`cargo doc` writes TargetDirectory/doc).</summary>
    public string TargetDirectory => Path.Combine(_root, "target");

    public async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, IReadOnlyList<string> arguments, string? token)
    {
        var start = new ProcessStartInfo(Executable())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("CARGO_", StringComparison.Ordinal)))
        {
            start.Environment.Remove(key);
        }
        start.Environment["CARGO_HOME"] = Path.Combine(_root, "home");
        start.Environment["CARGO_TARGET_DIR"] = Path.Combine(_root, "target");
        start.Environment["CARGO_TERM_COLOR"] = "never";
        start.Environment["CARGO_NET_RETRY"] = "0";
        start.Environment["CARGO_REGISTRIES_GHOSTCRATE_INDEX"] = $"sparse+{server.BaseUrl}/index/";
        if (token is not null) start.Environment["CARGO_REGISTRIES_GHOSTCRATE_TOKEN"] = token;
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cargo {string.Join(' ', arguments)} did not finish within 3 minutes");
        }
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }

    /// <summary>A library crate ready for `cargo publish --registry ghostcrate`.</summary>
    public string NewCrate(string name, string version)
    {
        var dir = Path.Combine(_root, "projects", name);
        Directory.CreateDirectory(Path.Combine(dir, "src"));
        File.WriteAllText(Path.Combine(dir, "Cargo.toml"), $"""
            [package]
            name = "{name}"
            version = "{version}"
            edition = "2021"
            description = "Published by a browser test with a token made in the web UI"
            license = "MIT"
            publish = ["ghostcrate"]

            [dependencies]
            """);
        File.WriteAllText(Path.Combine(dir, "src", "lib.rs"), "pub fn hello() -> &'static str { \"hi\" }\n");
        return dir;
    }

    private static string Executable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "cargo"))) return Path.Combine(dir, "cargo");
        }
        var home = Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "", ".cargo", "bin", "cargo");
        return File.Exists(home) ? home : throw new FileNotFoundException("cargo is not on PATH nor in ~/.cargo/bin");
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
