using System.Text.Json;
using GhostCrate.Protocol.Json;

namespace GhostCrate.Protocol.Tests;

internal static class Json
{
    /// <summary>Lets golden JSON be written with single quotes (none of our fixtures contain an apostrophe).</summary>
    public static string Q(string singleQuoted) => singleQuoted.Replace('\'', '"');

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, ProtocolJson.Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, ProtocolJson.Options)!;
}
