using System.Diagnostics;
using GhostCrate.Mirror.Tests.Toolchains;

namespace GhostCrate.Mirror.Tests.Support;

/// <summary>
/// The real cargo on a new library in <c>WORK/app</c> that depends on <c>dependency</c>, with crates-io replaced by the
/// mirror a GhostCrate serves and a fresh CARGO_HOME, so nothing but that mirror can answer.
/// </summary>
public static class OfflineCargo
{
    /// <param name="command">`build`, or `test` to also run the library's tests.</param>
    public static async Task<(int Exit, string Output)> RunAsync(string work, Uri server, string packageName, string dependency, string code, string command = "build")
    {
        var project = Path.Combine(work, "app");
        Directory.CreateDirectory(Path.Combine(project, "src"));
        await File.WriteAllTextAsync(Path.Combine(project, "Cargo.toml"), $"[package]\nname = \"{packageName}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{dependency}\n");
        await File.WriteAllTextAsync(Path.Combine(project, "src", "lib.rs"), code);
        var home = Path.Combine(work, "cargo-home");
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(Path.Combine(home, "config.toml"),
            $"[source.crates-io]\nreplace-with = \"offline-mirror\"\n\n[source.offline-mirror]\nregistry = \"sparse+{server}mirror/index/\"\n");
        var psi = new ProcessStartInfo(RustupHome.FindOnPath("cargo"), [command, "--manifest-path", Path.Combine(project, "Cargo.toml")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("CARGO_", StringComparison.Ordinal))) psi.Environment.Remove(name);
        psi.Environment["CARGO_HOME"] = home;
        psi.Environment["CARGO_TARGET_DIR"] = Path.Combine(work, "target");
        psi.Environment["CARGO_TERM_COLOR"] = "never";
        psi.Environment["CARGO_NET_RETRY"] = "0";
        // The machine's rustup picks its own installed toolchain for cargo and rustc.
        psi.Environment["RUSTUP_HOME"] = Environment.GetEnvironmentVariable("RUSTUP_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".rustup");
        return await RustupHome.RunProcessAsync(psi);
    }
}
