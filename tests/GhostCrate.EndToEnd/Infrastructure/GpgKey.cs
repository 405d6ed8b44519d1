using System.Diagnostics;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>An OpenPGP signing key made by the real gpg in a throwaway GNUPGHOME, exported as armoured files.</summary>
public sealed class GpgKey : IDisposable
{
    public GpgKey()
    {
        Home = TempDirs.Create("gnupg");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Run("--batch", "--passphrase", "", "--quick-gen-key", "GhostCrate E2E Mirror <mirror@example.invalid>", "rsa3072", "sign", "never");
        SecretKeyFile = Path.Combine(Home, "secret.asc");
        PublicKeyFile = Path.Combine(Home, "public.asc");
        File.WriteAllText(SecretKeyFile, Run("--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--armor", "--export-secret-keys"));
        File.WriteAllText(PublicKeyFile, Run("--batch", "--armor", "--export"));
    }

    public string Home { get; }
    public string SecretKeyFile { get; }
    public string PublicKeyFile { get; }

    private string Run(params string[] args)
    {
        var psi = new ProcessStartInfo("gpg") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.Environment["GNUPGHOME"] = Home;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"gpg {string.Join(' ', args)}: {stderr}");
        return stdout.Result;
    }

    public void Dispose()
    {
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
        TempDirs.Delete(Home);
    }
}
