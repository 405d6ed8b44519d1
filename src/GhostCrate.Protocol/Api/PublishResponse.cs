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

/// <summary>
/// The reply to a publish that was stored but held for an administrator's approval (202 Accepted). It carries
/// Cargo's error envelope on purpose: cargo treats any reply with `errors` as a failed upload and prints the details
/// at once (crates-io's `Registry::handle`), whereas a 200 makes it poll the index for the new version for 60 s
/// (`publish.timeout`, not settable on stable cargo) and then print that it timed out. The `warnings` are what a
/// 200 would have carried, for clients that read them.
/// </summary>
public sealed record HeldPublishResponse(
    [property: JsonPropertyName("errors")] IReadOnlyList<CargoError> Errors,
    [property: JsonPropertyName("warnings")] PublishWarnings Warnings);
