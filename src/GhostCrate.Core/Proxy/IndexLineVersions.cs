using System.Text.Json;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// The versions of an upstream's index file, read for the guesses the proxy makes ahead of cargo (<see cref="PrefetchNames"/>,
/// <see cref="ProxyCratePrefetch"/>). Only `vers` and `yanked` of each line are read: a popular crate's file holds
/// hundreds of versions, each with its dependencies and features, and reading them all would be most of a guess's cost.
/// </summary>
public static class IndexLineVersions
{
    /// <summary>
    /// The version cargo takes for a dependency it resolves afresh: the highest release that is not yanked
    /// (https://doc.rust-lang.org/cargo/reference/resolver.html: the highest version that matches; a pre-release only
    /// matches a requirement that names one). Null when the file lists no such release.
    /// </summary>
    public static SemVersion? NewestRelease(ReadOnlySpan<byte> indexFile)
    {
        SemVersion? best = null;
        var start = 0;
        while (start < indexFile.Length)
        {
            var end = indexFile[start..].IndexOf((byte)'\n');
            var length = end < 0 ? indexFile.Length - start : end;
            if (Unyanked(indexFile.Slice(start, length)) is { IsPrerelease: false } version && (best is null || version > best)) best = version;
            start += length + 1;
        }
        return best;
    }

    /// <summary>The version of a line that is not yanked, or null (yanked, or not a line cargo could read).</summary>
    public static SemVersion? Unyanked(ReadOnlySpan<byte> line)
    {
        string? vers = null;
        var yanked = false;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("vers"u8))
                {
                    reader.Read();
                    vers = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("yanked"u8))
                {
                    reader.Read();
                    yanked = reader.TokenType == JsonTokenType.True;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return !yanked && SemVersion.TryParse(vers, out var version) ? version : null;
    }
}
