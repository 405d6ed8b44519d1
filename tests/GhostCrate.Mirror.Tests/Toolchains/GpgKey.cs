namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>One gpg signing key per test class (making an RSA key takes seconds; no test changes it).</summary>
public sealed class GpgKey : IDisposable
{
    public Gpg Gpg { get; } = new();

    public void Dispose() => Gpg.Dispose();
}
