using System.Diagnostics;

namespace GhostCrate.Testing;

/// <summary>
/// The real gpg with a throwaway GNUPGHOME: makes an OpenPGP signing key, exports it as armoured files and verifies
/// signatures the way an operator would (mirror bundle tests and the air-gap end-to-end test).
/// </summary>
public sealed class Gpg : IDisposable
{
    public Gpg()
    {
        Home = Path.Combine(Path.GetTempPath(), $"gc-gnupg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Home);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Run("--batch", "--passphrase", "", "--quick-gen-key", "GhostCrate Test <mirror@example.invalid>", "rsa3072", "sign", "never");
        SecretKeyFile = Path.Combine(Home, "secret.asc");
        PublicKeyFile = Path.Combine(Home, "public.asc");
        File.WriteAllText(SecretKeyFile, Run("--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--armor", "--export-secret-keys").StdOut);
        File.WriteAllText(PublicKeyFile, Run("--batch", "--armor", "--export").StdOut);
    }

    public string Home { get; }
    public string SecretKeyFile { get; }
    public string PublicKeyFile { get; }

    /// <summary>`gpg --armor --detach-sign`: writes FILE.asc, as the Rust release process signs its channel manifests.</summary>
    public void SignDetached(string file) =>
        Run("--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "", "--armor", "--detach-sign", "--output", file + ".asc", file);

    public (int Exit, string StdOut, string StdErr) Verify(string signature, string data) => RunRaw("--batch", "--verify", signature, data);

    private (int Exit, string StdOut, string StdErr) Run(params string[] args)
    {
        var result = RunRaw(args);
        if (result.Exit != 0) throw new InvalidOperationException($"gpg {string.Join(' ', args)}: {result.StdErr}");
        return result;
    }

    private (int Exit, string StdOut, string StdErr) RunRaw(params string[] args)
    {
        var psi = new ProcessStartInfo("gpg") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.Environment["GNUPGHOME"] = Home;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }

    public void Dispose()
    {
        // gpg-agent started for this home exits when its socket directory disappears; ask it to go first.
        try
        {
            var psi = new ProcessStartInfo("gpgconf", ["--kill", "gpg-agent"]) { RedirectStandardError = true, RedirectStandardOutput = true };
            psi.Environment["GNUPGHOME"] = Home;
            using var process = Process.Start(psi);
            process?.WaitForExit(10_000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
