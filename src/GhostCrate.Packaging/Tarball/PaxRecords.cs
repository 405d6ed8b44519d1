using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace GhostCrate.Packaging.Tarball;

/// <summary>Reads pax extended header records: "LEN key=value\n" (IEEE 1003.1-2001, pax format).</summary>
internal static class PaxRecords
{
    /// <summary>Finds the last record for <paramref name="key"/> (later records win); malformed data finds nothing.</summary>
    public static bool TryFind(ReadOnlySpan<byte> data, string key, [NotNullWhen(true)] out string? value)
    {
        value = null;
        var pos = 0;
        while (pos < data.Length)
        {
            var space = data[pos..].IndexOf((byte)' ');
            if (space <= 0) break;
            if (!int.TryParse(data.Slice(pos, space), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space + 1 || pos + length > data.Length || data[pos + length - 1] != (byte)'\n')
                break;

            var record = data.Slice(pos + space + 1, length - space - 2);
            var equals = record.IndexOf((byte)'=');
            if (equals > 0 && Encoding.UTF8.GetString(record[..equals]) == key)
                value = Encoding.UTF8.GetString(record[(equals + 1)..]);
            pos += length;
        }
        return value is not null;
    }
}
