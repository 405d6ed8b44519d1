namespace GhostCrate.Packaging.Toml;

/// <summary>Cursor movement, whitespace, comments and error reporting.</summary>
internal sealed partial class TomlParser
{
    private bool AtEnd => _pos >= _text.Length;

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private bool AtNewline => Peek() == '\n' || (Peek() == '\r' && Peek(1) == '\n');

    private void SkipSpaces()
    {
        while (Peek() is ' ' or '\t') _pos++;
    }

    /// <summary>Whitespace, newlines and comments between statements or array elements.</summary>
    private void SkipBlankLines()
    {
        while (!AtEnd)
        {
            SkipSpaces();
            if (Peek() == '#') SkipComment();
            else if (AtNewline) SkipNewline();
            else return;
        }
    }

    private void SkipNewline() => _pos += Peek() == '\r' ? 2 : 1;

    private void SkipComment()
    {
        _pos++; // #
        while (!AtEnd && !AtNewline)
        {
            if (IsForbiddenControl(Peek())) throw Error("control characters are not allowed in comments");
            _pos++;
        }
    }

    /// <summary>After a statement only a comment may follow on the same line.</summary>
    private void ExpectLineEnd()
    {
        SkipSpaces();
        if (Peek() == '#') SkipComment();
        if (AtEnd) return;
        if (!AtNewline) throw Error($"expected the end of the line, found {Describe(Peek())}");
        SkipNewline();
    }

    private void Expect(char c, string what)
    {
        if (Peek() != c || AtEnd) throw Error($"expected {what}, found {(AtEnd ? "the end of the file" : Describe(Peek()))}");
        _pos++;
    }

    /// <summary>TOML allows tab but no other C0 control character (nor DEL) outside escapes.</summary>
    private static bool IsForbiddenControl(char c) => (c < 0x20 && c != '\t') || c == '\x7F';

    private static string Describe(char c) => c < 0x20 || c == '\x7F' ? $"U+{(int)c:X4}" : $"`{c}`";

    private TomlSyntaxException Error(string message)
    {
        var line = 1;
        for (var i = 0; i < Math.Min(_pos, _text.Length); i++)
            if (_text[i] == '\n') line++;
        return new TomlSyntaxException($"line {line}: {message}");
    }
}
