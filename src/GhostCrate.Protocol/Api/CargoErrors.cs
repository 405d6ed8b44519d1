using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Api;

/// <summary>
/// Cargo's error envelope: cargo prints each detail to the user.
/// https://doc.rust-lang.org/cargo/reference/registry-web-api.html#web-api
/// </summary>
public sealed record CargoErrorResponse([property: JsonPropertyName("errors")] IReadOnlyList<CargoError> Errors)
{
    public static CargoErrorResponse Of(string detail) => new([new CargoError(detail)]);
}

public sealed record CargoError([property: JsonPropertyName("detail")] string Detail);
