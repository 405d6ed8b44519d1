using Tomlyn;
using Tomlyn.Parsing;

namespace GhostCrate.Packaging.Toml;

/// <summary>
/// Reads untrusted TOML (the normalized Cargo.toml inside a .crate, a Cargo.lock) with Tomlyn, a maintained TOML 1.1
/// parser, behind our own limits: a length cap, a nesting cap (deep nesting would otherwise exhaust the stack), and
/// the document validated as the spec requires before any value is read. A key or table defined twice is an error:
/// read leniently, a duplicate would let the registry see one value where cargo, which refuses the file, sees none
/// (https://toml.io/en/v1.1.0#keys, https://toml.io/en/v1.1.0#table).
/// Malformed documents produce an error result ("line 3: ..."), never an exception.
/// </summary>
public static class TomlReader
{
    /// <summary>Longer than any manifest or lock file cargo writes; callers cap their inputs lower where they can.</summary>
    public const int MaxLength = 16 * 1024 * 1024;

    public const int MaxDepth = 100;

    private static readonly TomlSerializerOptions DefaultOptions = new() { MaxDepth = MaxDepth };

    /// <param name="text">The document.</param>
    /// <param name="maxDepth">A lower nesting cap for documents that need less (at most <see cref="MaxDepth"/>).</param>
    public static TomlParseResult Parse(string text, int maxDepth = MaxDepth)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, MaxDepth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDepth);
        var options = maxDepth == MaxDepth ? DefaultOptions : new TomlSerializerOptions { MaxDepth = maxDepth };
        if (text.Length > MaxLength) return new TomlParseResult(null, $"line 1: the document is longer than {MaxLength} characters");
        try
        {
            // Validation first (duplicate keys, redefined tables, types of values); the model is read only from a
            // document that passed it.
            var syntax = SyntaxParser.Parse(text, options, sourceName: null, validate: true);
            if (syntax.HasErrors)
            {
                var error = syntax.Diagnostics.First(d => d.Kind == Tomlyn.Syntax.DiagnosticMessageKind.Error);
                return new TomlParseResult(null, $"line {error.Span.Start.Line + 1}: {error.Message}");
            }
            var model = TomlSerializer.Deserialize<Tomlyn.Model.TomlTable>(text, options)
                ?? throw new TomlException("the document is empty");
            return new TomlParseResult(TomlModel.From(model), null);
        }
        catch (TomlException ex)
        {
            return new TomlParseResult(null, $"line {(ex.Line ?? 0) + 1}: {FirstLine(ex.Message)}");
        }
    }

    private static string FirstLine(string message)
    {
        // Tomlyn's messages start with "(line,column) : error : " when they carry a position.
        var text = message.Split('\n')[0].Trim();
        var marker = text.IndexOf(": error : ", StringComparison.Ordinal);
        return marker >= 0 ? text[(marker + ": error : ".Length)..] : text;
    }
}
