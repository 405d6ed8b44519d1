using System.Globalization;
using System.Text;
using GhostCrate.Mirror.Storage;

namespace GhostCrate.Mirror.Bundles;

/// <summary>
/// meta/NAME.toml in a bundle: the crate's versions with checksum, size and yanked flag, in the TOML shape older
/// offline tools read (one [[version]] table per version), for sites whose import scripts predate the sparse index.
/// </summary>
public static class LegacyTomlMetadata
{
    public static string Render(string name, IEnumerable<IndexLine> lines, Func<IndexLine, long?> size)
    {
        var text = new StringBuilder();
        text.Append("# ").Append(name).Append(": versions carried by this bundle's index\n");
        text.Append("name = ").Append(Quote(name)).Append('\n');
        foreach (var line in lines)
        {
            text.Append("\n[[version]]\n");
            text.Append("version = ").Append(Quote(line.Entry.Vers)).Append('\n');
            text.Append("checksum = ").Append(Quote(line.Entry.Cksum)).Append('\n');
            text.Append("yanked = ").Append(line.Entry.Yanked ? "true" : "false").Append('\n');
            if (size(line) is { } bytes) text.Append("size = ").Append(bytes.ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append("file = ").Append(Quote(MirrorLayout.CrateRelativePath(line.Entry.Name, line.Entry.Vers))).Append('\n');
        }
        return text.ToString();
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
