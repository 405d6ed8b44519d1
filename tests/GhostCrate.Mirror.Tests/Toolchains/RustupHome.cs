using System.Diagnostics;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>
/// A temporary, complete rustup installation (RUSTUP_HOME and CARGO_HOME in a temp folder, a copy of the machine's
/// rustup 1.29 in CARGO_HOME/bin: rustup checks for its own update after an install and wants to be installed there)
/// that talks only to the GhostCrate it is given (RUSTUP_DIST_SERVER and RUSTUP_UPDATE_ROOT under /rustup).
/// </summary>
public sealed class RustupHome : IDisposable
{
    public RustupHome()
    {
        Root = TempDir.Create("rustup-home");
        var bin = Path.Combine(Root, "cargo", "bin");
        Directory.CreateDirectory(bin);
        File.Copy(FindOnPath("rustup"), Path.Combine(bin, "rustup"));
    }

    public string Root { get; }

    public string Toolchain(string name) => Path.Combine(Root, "rustup", "toolchains", $"{name}-{SyntheticDist.Host}");

    public async Task<(int Exit, string Output)> RunAsync(Uri server, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(Root, "cargo", "bin", "rustup")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.Environment["RUSTUP_HOME"] = Path.Combine(Root, "rustup");
        psi.Environment["CARGO_HOME"] = Path.Combine(Root, "cargo");
        var dist = new Uri(server, "rustup").AbsoluteUri;
        psi.Environment["RUSTUP_DIST_SERVER"] = dist;
        psi.Environment["RUSTUP_UPDATE_ROOT"] = dist + "/rustup";
        psi.Environment.Remove("RUSTUP_TOOLCHAIN");
        return await RunProcessAsync(psi);
    }

    internal static async Task<(int Exit, string Output)> RunProcessAsync(ProcessStartInfo psi)
    {
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{psi.FileName} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    public static string FindOnPath(string name) => RustTools.Find(name);

    public void Dispose() => TempDir.Delete(Root);
}
