using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Api;

/// <summary>Reply to owner add/remove; cargo shows `msg` (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#owners-add).</summary>
public sealed record OwnersChangeResponse(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("msg")] string Msg);
