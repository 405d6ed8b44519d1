namespace GhostCrate.Packaging.Toml;

/// <summary>Values: strings, arrays, inline tables and scalars (https://toml.io/en/v1.0.0).</summary>
internal sealed partial class TomlParser
{
    private object ParseValue(int depth)
    {
        if (depth > MaxDepth) throw Error($"values are nested more than {MaxDepth} levels deep");
        if (AtEnd) throw Error("expected a value, found the end of the file");
        return Peek() switch
        {
            '"' when Peek(1) == '"' && Peek(2) == '"' => ParseMultilineBasicString(),
            '"' => ParseBasicString(),
            '\'' when Peek(1) == '\'' && Peek(2) == '\'' => ParseMultilineLiteralString(),
            '\'' => ParseLiteralString(),
            '[' => ParseArray(depth),
            '{' => ParseInlineTable(depth),
            _ => ParseScalar(),
        };
    }

    private TomlArray ParseArray(int depth)
    {
        _pos++; // [
        var array = new TomlArray(isTableArray: false);
        while (true)
        {
            SkipBlankLines();
            if (Peek() == ']')
            {
                _pos++;
                return array;
            }
            array.Add(ParseValue(depth + 1));
            SkipBlankLines();
            if (Peek() == ',')
            {
                _pos++;
                continue;
            }
            Expect(']', "`,` or `]` in the array");
            return array;
        }
    }

    /// <summary>
    /// `{ a = 1, b.c = 2 }`. Newlines, comments and a trailing comma are accepted (TOML 1.1 allows them and
    /// cargo's parser does): refusing a manifest cargo itself reads would block a legitimate publish.
    /// </summary>
    private TomlTable ParseInlineTable(int depth)
    {
        _pos++; // {
        var table = new TomlTable(TomlTableOrigin.Inline);
        while (true)
        {
            SkipBlankLines();
            if (Peek() == '}')
            {
                _pos++;
                break;
            }
            ParseKeyValue(table, depth + 1);
            SkipBlankLines();
            if (Peek() == ',')
            {
                _pos++;
                continue;
            }
            Expect('}', "`,` or `}` in the inline table");
            break;
        }
        table.Freeze();
        return table;
    }

    private object ParseScalar()
    {
        if (TomlScalars.MatchDateTime(_text, _pos) is { } dateTime)
        {
            _pos += dateTime.Length;
            return new TomlDateTime(dateTime);
        }

        var start = _pos;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Peek()) || Peek() is '_' or '+' or '-' or '.')) _pos++;
        var token = _text[start.._pos];
        if (token.Length == 0) throw Error($"expected a value, found {Describe(Peek())}");
        return TomlScalars.Parse(token) ?? throw Error($"`{token}` is not a valid TOML value (strings need quotes)");
    }
}
