using GhostCrate.Mirror.Signing;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Toolchains;

namespace GhostCrate.Mirror.Checking;

/// <summary>What <see cref="ToolchainSignatures.Check"/> found: manifests whose `.asc` verified, those served without one, and failures.</summary>
public sealed record SignatureStatus(int Verified, int Unsigned, IReadOnlyList<string> Failed, string? NotChecked)
{
    public string Describe() =>
        NotChecked ?? (Verified + Unsigned + Failed.Count == 0
            ? "no channel manifest is served"
            : $"{Verified} channel manifest(s) verified against the trusted key, {Unsigned} served without a signature, {Failed.Count} failed");
}

/// <summary>
/// The signature status of the served channel manifests, for the report of a verify run on /admin/mirror: each
/// manifest's `.asc` checked against the trusted release key the way `toolchain sync` checked it (hashes alone do not
/// show a manifest replaced together with its `.sha256`). A manifest without `.asc` was synced with `--signatures warn`
/// or `skip`: counted, not a failure. On an imported mirror the upstream `.asc` files travelled unchanged, so the same
/// check works there.
/// </summary>
public static class ToolchainSignatures
{
    public static SignatureStatus Check(MirrorLayout layout, string? trustedKeyFile)
    {
        var manifests = layout.PinnedToolchainsDir() is { } tree
            ? ToolchainTree.Enumerate(tree).Where(f => ToolchainTree.IsManifest(f.Relative)).ToList()
            : [];
        if (manifests.Count == 0) return new SignatureStatus(0, 0, [], null);
        if (string.IsNullOrWhiteSpace(trustedKeyFile) || !File.Exists(trustedKeyFile))
            return new SignatureStatus(0, 0, [], $"not checked: Mirror:ToolchainKeyFile is not set ({manifests.Count} channel manifest(s) served)");
        int verified = 0, unsigned = 0;
        var failed = new List<string>();
        foreach (var (relative, full) in manifests)
        {
            if (!File.Exists(full + ".asc"))
            {
                unsigned++;
                continue;
            }
            try
            {
                using var data = File.OpenRead(full);
                using var keys = File.OpenRead(trustedKeyFile);
                OpenPgpSignature.VerifyExternal(data, File.ReadAllBytes(full + ".asc"), keys, relative);
                verified++;
            }
            catch (MirrorException ex)
            {
                failed.Add($"{relative}: {ex.Message}");
            }
        }
        return new SignatureStatus(verified, unsigned, failed, null);
    }
}
