using System.Text;

namespace GhostCrate.Data.Crates;

/// <summary>Builds a LIKE pattern that matches its text literally (the SQL uses ESCAPE '\').</summary>
internal static class LikePattern
{
    public const char Escape = '\\';

    /// <summary>'%' + text + '%' with %, _ and the escape character escaped, so "a_b" does not match "axb".</summary>
    public static string Contains(string text) => "%" + StartsWith(text);

    /// <summary>text + '%', escaped the same way.</summary>
    public static string StartsWith(string text)
    {
        var pattern = new StringBuilder(text.Length + 2);
        foreach (var c in text)
        {
            if (c is '%' or '_' or Escape) pattern.Append(Escape);
            pattern.Append(c);
        }
        return pattern.Append('%').ToString();
    }
}
