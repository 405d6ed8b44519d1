using System.Text.Json.Serialization;

namespace GhostCrate.Web.Contracts;

/// <summary>Reply to PUT /api/v1/docs/{crate}/{version}: what was stored and where it is served.</summary>
public sealed record DocsUploadResponse(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("files")] int Files,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("url")] string Url);
