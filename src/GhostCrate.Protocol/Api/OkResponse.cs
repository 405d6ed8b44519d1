using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Api;

/// <summary>`{"ok":true}`, the reply to yank and unyank (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#yank).</summary>
public sealed record OkResponse([property: JsonPropertyName("ok")] bool Ok = true)
{
    public static OkResponse Instance { get; } = new();
}
