using System.Text.Json.Serialization;

namespace GhostCrate.Web.Contracts;

/// <summary>The body of `PATCH /api/v1/crates/{name}/{version}` (crates.io's version update).</summary>
public sealed record VersionUpdateRequest([property: JsonPropertyName("version")] VersionUpdate? Version);

/// <summary>What to change: <see cref="Yanked"/> null keeps the current state.</summary>
public sealed record VersionUpdate(
    [property: JsonPropertyName("yanked")] bool? Yanked,
    [property: JsonPropertyName("yank_message")] string? YankMessage);
