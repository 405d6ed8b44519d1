using System.Text;
using System.Text.Encodings.Web;
using GhostCrate.Web.Ui.Readme;

namespace GhostCrate.Web.Ui.Source;

/// <summary>
/// Turns text into HTML lines, highlighted with the README highlighter where it knows the language. A token that spans
/// lines (a block comment, a raw string) is closed at each line end and reopened on the next, so every line is
/// well-formed on its own and can be numbered, linked (#L12) and shown in a diff.
/// </summary>
public static class SourceLines
{
    public static IReadOnlyList<string> Render(string text, string? language)
    {
        var tokens = language is not null ? CodeHighlighter.Tokenize(text, language) : null;
        tokens ??= [new CodeHighlighter.Token(text, null)];
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var token in tokens)
        {
            var parts = token.Text.Split('\n');
            for (var i = 0; i < parts.Length; i++)
            {
                if (i > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }
                var part = parts[i].TrimEnd('\r');
                if (part.Length == 0) continue;
                var encoded = HtmlEncoder.Default.Encode(part);
                if (token.Class is null) line.Append(encoded);
                else line.Append("<span class=\"").Append(token.Class).Append("\">").Append(encoded).Append("</span>");
            }
        }
        // A final newline ends the last line; it does not start an empty one.
        if (line.Length > 0 || !text.EndsWith('\n')) lines.Add(line.ToString());
        return lines;
    }
}
