using System.Text.Encodings.Web;
using System.Text.Json;

namespace GhostCrate.Protocol.Json;

/// <summary>
/// The one set of JSON options every registry document is written with, so index lines and API bodies
/// render byte-for-byte the same everywhere they are produced.
/// </summary>
public static class ProtocolJson
{
    /// <summary>
    /// Compact, properties in declaration order, and no HTML escaping: the index is not HTML, and
    /// escaping `+` in `1.0.0+build` or `&lt;` in a req as \u002B would make our lines differ from
    /// what crates.io writes for the same data.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = false,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
