using System.Security.Cryptography;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// A served offline mirror directory in the plain layout (index/ and crates/, no generations), as `Mirror:Directory`
/// reads it; deleted on dispose.
/// </summary>
public sealed class MirrorDirectory : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "gc-mirror-" + Guid.NewGuid().ToString("N"));

    public MirrorDirectory() => Directory.CreateDirectory(Path.Combine(Root, "index"));

    /// <summary>
    /// Makes the crate's index file list exactly these versions, each with its .crate (null: listed, file missing;
    /// the index then gives <paramref name="missingChecksum"/>).
    /// </summary>
    public void Serve(string name, params (string Version, byte[]? Crate)[] versions)
    {
        var index = Path.Combine(Root, "index", IndexPath.ForCrate(name));
        Directory.CreateDirectory(Path.GetDirectoryName(index)!);
        var lines = new List<string>();
        foreach (var (version, crate) in versions)
        {
            var checksum = crate is null ? new string('a', 64) : Convert.ToHexStringLower(SHA256.HashData(crate));
            lines.Add($"{{\"name\":\"{name}\",\"vers\":\"{version}\",\"deps\":[],\"cksum\":\"{checksum}\",\"features\":{{}},\"yanked\":false}}");
            if (crate is null) continue;
            Directory.CreateDirectory(Path.Combine(Root, "crates", name));
            File.WriteAllBytes(CrateFile(name, version), crate);
        }
        File.WriteAllText(index, string.Join('\n', lines) + "\n");
    }

    public string CrateFile(string name, string version) => Path.Combine(Root, "crates", name, $"{name}-{version}.crate");

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
