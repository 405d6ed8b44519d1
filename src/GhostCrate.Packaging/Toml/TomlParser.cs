namespace GhostCrate.Packaging.Toml;

/// <summary>
/// Recursive-descent TOML reader (https://toml.io/en/v1.0.0): document structure, keys and table rules.
/// Values live in TomlParser.Values.cs, strings in TomlParser.Strings.cs.
/// </summary>
internal sealed partial class TomlParser
{
    // Arrays and inline tables nest; a hostile `[[[[...` manifest must not overflow the stack.
    private const int MaxDepth = 100;

    private readonly string _text;
    private int _pos;
    private readonly TomlTable _root = new(TomlTableOrigin.Header);
    private TomlTable _current;

    public TomlParser(string text)
    {
        // A UTF-8 BOM decodes to U+FEFF; editors add it and cargo's parser tolerates it.
        _text = text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        _current = _root;
    }

    public TomlTable ParseDocument()
    {
        while (true)
        {
            SkipBlankLines();
            if (AtEnd) return _root;
            if (Peek() == '[')
            {
                if (Peek(1) == '[') ParseArrayTableHeader();
                else ParseTableHeader();
            }
            else
            {
                ParseKeyValue(_current, depth: 0);
            }
            ExpectLineEnd();
        }
    }

    private void ParseTableHeader()
    {
        _pos++; // [
        var keys = ParseKey();
        SkipSpaces();
        Expect(']', "`]` to close the table header");

        var table = DescendForHeader(keys);
        var last = keys[^1];
        if (!table.TryGetValue(last, out var existing))
        {
            var created = new TomlTable(TomlTableOrigin.Header);
            table.Add(last, created);
            _current = created;
        }
        else if (existing is TomlTable { Origin: TomlTableOrigin.Implicit } implied)
        {
            implied.Origin = TomlTableOrigin.Header;
            _current = implied;
        }
        else
        {
            throw Error($"table `[{string.Join('.', keys)}]` is defined more than once");
        }
    }

    private void ParseArrayTableHeader()
    {
        _pos += 2; // [[
        var keys = ParseKey();
        SkipSpaces();
        if (Peek() != ']' || Peek(1) != ']') throw Error("expected `]]` to close the array-of-tables header");
        _pos += 2;

        var table = DescendForHeader(keys);
        var last = keys[^1];
        TomlArray array;
        if (!table.TryGetValue(last, out var existing))
        {
            array = new TomlArray(isTableArray: true);
            table.Add(last, array);
        }
        else if (existing is TomlArray { IsTableArray: true } tableArray)
        {
            array = tableArray;
        }
        else
        {
            throw Error($"`[[{string.Join('.', keys)}]]` conflicts with an earlier value of that name");
        }
        var element = new TomlTable(TomlTableOrigin.ArrayElement);
        array.Add(element);
        _current = element;
    }

    /// <summary>Walks all but the last key of a header, creating implied tables; `[[x]]` arrays continue at their last element.</summary>
    private TomlTable DescendForHeader(List<string> keys)
    {
        var table = _root;
        foreach (var key in keys.Take(keys.Count - 1))
        {
            if (!table.TryGetValue(key, out var value))
            {
                var created = new TomlTable(TomlTableOrigin.Implicit);
                table.Add(key, created);
                table = created;
            }
            else if (value is TomlTable { Origin: not TomlTableOrigin.Inline } child)
            {
                table = child;
            }
            else if (value is TomlArray { IsTableArray: true } array)
            {
                table = (TomlTable)array[^1];
            }
            else
            {
                throw Error($"`{key}` is not a table that can be extended");
            }
        }
        return table;
    }

    private void ParseKeyValue(TomlTable target, int depth)
    {
        var keys = ParseKey();
        SkipSpaces();
        Expect('=', "`=` after the key");
        SkipSpaces();
        var value = ParseValue(depth);

        var table = target;
        foreach (var key in keys.Take(keys.Count - 1))
        {
            if (!table.TryGetValue(key, out var existing))
            {
                var created = new TomlTable(TomlTableOrigin.Dotted);
                table.Add(key, created);
                table = created;
            }
            // Dotted keys may only extend tables that dotted keys (or nothing explicit) created.
            else if (existing is TomlTable { Origin: TomlTableOrigin.Dotted or TomlTableOrigin.Implicit } child)
            {
                table = child;
            }
            else
            {
                throw Error($"dotted key `{string.Join('.', keys)}` tries to extend `{key}`, which is already defined");
            }
        }
        var last = keys[^1];
        if (table.ContainsKey(last)) throw Error($"duplicate key `{string.Join('.', keys)}`");
        table.Add(last, value);
    }

    /// <summary>Parses `a.b."c d".'e'`: bare keys, basic and literal strings joined by dots.</summary>
    private List<string> ParseKey()
    {
        var keys = new List<string>();
        while (true)
        {
            SkipSpaces();
            keys.Add(ParseSimpleKey());
            SkipSpaces();
            if (Peek() != '.') return keys;
            _pos++;
        }
    }

    private string ParseSimpleKey()
    {
        var c = Peek();
        if (c == '"')
        {
            if (Peek(1) == '"' && Peek(2) == '"') throw Error("multi-line strings cannot be keys");
            return ParseBasicString();
        }
        if (c == '\'')
        {
            if (Peek(1) == '\'' && Peek(2) == '\'') throw Error("multi-line strings cannot be keys");
            return ParseLiteralString();
        }
        var start = _pos;
        while (!AtEnd && IsBareKeyChar(Peek())) _pos++;
        if (_pos == start) throw Error("expected a key");
        return _text[start.._pos];
    }

    private static bool IsBareKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
