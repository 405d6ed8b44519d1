using System.Text.Json.Serialization;
using GhostCrate.Packaging.Content;

namespace GhostCrate.Web.Contracts;

/// <summary>One content flag of a version (docs/security.md "Content flags"): `path` is relative to the package root.</summary>
public sealed record ContentFlagDto(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("detail")] string Detail)
{
    public static ContentFlagDto Of(ContentFlag flag) => new(flag.Kind, flag.Path, flag.Detail);
}
