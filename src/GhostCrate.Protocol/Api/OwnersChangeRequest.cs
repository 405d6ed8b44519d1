using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Api;

/// <summary>Body of owner add (PUT) and remove (DELETE) (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#owners-add).</summary>
public sealed record OwnersChangeRequest([property: JsonPropertyName("users")] IReadOnlyList<string> Users);
