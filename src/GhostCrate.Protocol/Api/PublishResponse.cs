using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Api;

/// <summary>
/// Successful publish reply; cargo prints each warning
/// (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish).
/// </summary>
public sealed record PublishResponse([property: JsonPropertyName("warnings")] PublishWarnings Warnings)
{
    public static PublishResponse NoWarnings { get; } = new(new PublishWarnings([], [], []));
}

public sealed record PublishWarnings(
    [property: JsonPropertyName("invalid_categories")] IReadOnlyList<string> InvalidCategories,
    [property: JsonPropertyName("invalid_badges")] IReadOnlyList<string> InvalidBadges,
    [property: JsonPropertyName("other")] IReadOnlyList<string> Other);
