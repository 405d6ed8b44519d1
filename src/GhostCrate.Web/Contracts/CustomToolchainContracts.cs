using System.Text.Json.Serialization;
using GhostCrate.Mirror.Toolchains.Custom;

namespace GhostCrate.Web.Contracts;

/// <summary>One archive of a custom toolchain: the manifest package and target it provides, its size and SHA-256.</summary>
public sealed record CustomToolchainPackageDto(
    [property: JsonPropertyName("pkg")] string Pkg,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>
/// A custom toolchain as stored (docs/toolchains.md#custom-toolchains): `dist_server` is what
/// `ghostcrate toolchain install NAME --dist-server` takes, `install` the command to copy.
/// </summary>
public sealed record CustomToolchainDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("date")] string Date,
    [property: JsonPropertyName("uploaded_by")] string UploadedBy,
    [property: JsonPropertyName("uploaded_at")] DateTimeOffset UploadedAt,
    [property: JsonPropertyName("manifest_sha256")] string ManifestSha256,
    [property: JsonPropertyName("signed")] bool Signed,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("packages")] IReadOnlyList<CustomToolchainPackageDto> Packages,
    [property: JsonPropertyName("dist_server")] string DistServer,
    [property: JsonPropertyName("install")] string Install)
{
    public static CustomToolchainDto Of(CustomToolchainRelease r, string distServer) => new(r.Name, r.Version, r.Host, r.Date, r.UploadedBy, r.UploadedAt,
        r.ManifestSha256, r.Signature is not null, r.Bytes,
        r.Packages.Select(p => new CustomToolchainPackageDto(p.Pkg, p.Target, Path.GetFileName(p.Path), p.Size, p.Sha256)).ToList(),
        distServer, InstallCommand(r.Name, distServer));

    public static string InstallCommand(string name, string distServer) => $"ghostcrate toolchain install {name} --dist-server {distServer}";
}
