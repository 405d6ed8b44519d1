using System.Text.Json.Serialization;

namespace GhostCrate.Mirror.Bundles;

/// <summary>
/// bundle.json, the first entry of a bundle: which mirror it comes from and which marks it connects. A full bundle has
/// no <see cref="BaseMark"/>; an incremental one applies only on a directory that has imported exactly that mark.
/// </summary>
public sealed record BundleManifest
{
    public const string EntryName = "bundle.json";
    public const int CurrentFormat = 1;

    [JsonPropertyName("format")] public int Format { get; init; } = CurrentFormat;
    [JsonPropertyName("mirror")] public string MirrorId { get; init; } = "";
    [JsonPropertyName("upstream")] public string Upstream { get; init; } = "";
    [JsonPropertyName("base")] public int? BaseMark { get; init; }
    [JsonPropertyName("mark")] public int Mark { get; init; }
    [JsonPropertyName("created")] public string Created { get; init; } = "";
    /// <summary>Index and served toolchain files that no longer exist at this mark (crate files are never removed by a bundle).</summary>
    [JsonPropertyName("removed")] public List<string> Removed { get; init; } = [];
    [JsonPropertyName("files")] public int Files { get; init; }
}

/// <summary>.ghostcrate/imported.json on the offline side: the last bundle applied.</summary>
public sealed record ImportState(
    [property: JsonPropertyName("mirror")] string MirrorId,
    [property: JsonPropertyName("mark")] int Mark,
    [property: JsonPropertyName("imported")] string Imported);
