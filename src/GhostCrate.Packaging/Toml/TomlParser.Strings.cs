using System.Globalization;
using System.Text;

namespace GhostCrate.Packaging.Toml;

/// <summary>The four string forms (https://toml.io/en/v1.0.0#string).</summary>
internal sealed partial class TomlParser
{
    private string ParseBasicString()
    {
        _pos++; // "
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd || AtNewline) throw Error("unterminated string (use `\"\"\"` for strings spanning lines)");
            var c = _text[_pos++];
            if (c == '"') return sb.ToString();
            if (c == '\\') AppendEscape(sb);
            else if (IsForbiddenControl(c)) throw Error($"control character {Describe(c)} must be escaped in a string");
            else sb.Append(c);
        }
    }

    private string ParseMultilineBasicString()
    {
        _pos += 3;
        if (AtNewline) SkipNewline(); // a newline right after the opening quotes is not part of the string
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd) throw Error("unterminated multi-line string");
            if (TryCloseMultiline('"', sb)) return sb.ToString();
            var c = Peek();
            if (c == '\\')
            {
                _pos++;
                if (!TrySkipLineEndingBackslash()) AppendEscape(sb);
            }
            else if (AtNewline)
            {
                sb.Append('\n');
                SkipNewline();
            }
            else if (IsForbiddenControl(c))
            {
                throw Error($"control character {Describe(c)} must be escaped in a string");
            }
            else
            {
                sb.Append(c);
                _pos++;
            }
        }
    }

    private string ParseLiteralString()
    {
        _pos++; // '
        var start = _pos;
        while (true)
        {
            if (AtEnd || AtNewline) throw Error("unterminated literal string (use `'''` for strings spanning lines)");
            var c = _text[_pos];
            if (c == '\'')
            {
                _pos++;
                return _text[start..(_pos - 1)];
            }
            if (IsForbiddenControl(c)) throw Error($"control character {Describe(c)} is not allowed in a literal string");
            _pos++;
        }
    }

    private string ParseMultilineLiteralString()
    {
        _pos += 3;
        if (AtNewline) SkipNewline();
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd) throw Error("unterminated multi-line literal string");
            if (TryCloseMultiline('\'', sb)) return sb.ToString();
            if (AtNewline)
            {
                sb.Append('\n');
                SkipNewline();
                continue;
            }
            var c = _text[_pos];
            if (IsForbiddenControl(c)) throw Error($"control character {Describe(c)} is not allowed in a literal string");
            sb.Append(c);
            _pos++;
        }
    }

    /// <summary>
    /// At a run of 3 to 5 quotes, closes the string: up to two quotes may sit right before the delimiter
    /// (`""""` is a string ending in one quote). Six or more is an error.
    /// </summary>
    private bool TryCloseMultiline(char quote, StringBuilder sb)
    {
        var run = 0;
        while (Peek(run) == quote && _pos + run < _text.Length) run++;
        if (run < 3) return false;
        if (run > 5) throw Error("too many quotes at the end of a multi-line string");
        sb.Append(quote, run - 3);
        _pos += run;
        return true;
    }

    /// <summary>A `\` at the end of a line swallows the newline and all whitespace that follows.</summary>
    private bool TrySkipLineEndingBackslash()
    {
        var look = _pos;
        while (look < _text.Length && _text[look] is ' ' or '\t') look++;
        var atNewline = look < _text.Length && (_text[look] == '\n' || (_text[look] == '\r' && look + 1 < _text.Length && _text[look + 1] == '\n'));
        if (!atNewline) return false;
        _pos = look;
        while (!AtEnd && (Peek() is ' ' or '\t' || AtNewline))
        {
            if (AtNewline) SkipNewline();
            else _pos++;
        }
        return true;
    }

    /// <summary>Called after the backslash.</summary>
    private void AppendEscape(StringBuilder sb)
    {
        if (AtEnd) throw Error("unterminated escape sequence");
        var c = _text[_pos++];
        switch (c)
        {
            case 'b': sb.Append('\b'); break;
            case 't': sb.Append('\t'); break;
            case 'n': sb.Append('\n'); break;
            case 'f': sb.Append('\f'); break;
            case 'r': sb.Append('\r'); break;
            case 'e': sb.Append('\x1B'); break; // TOML 1.1
            case '"': sb.Append('"'); break;
            case '\\': sb.Append('\\'); break;
            case 'x': AppendCodePoint(sb, 2); break; // TOML 1.1
            case 'u': AppendCodePoint(sb, 4); break;
            case 'U': AppendCodePoint(sb, 8); break;
            default: throw Error($"invalid escape sequence `\\{c}`");
        }
    }

    private void AppendCodePoint(StringBuilder sb, int digits)
    {
        if (_pos + digits > _text.Length) throw Error("incomplete unicode escape");
        var hex = _text.AsSpan(_pos, digits);
        if (!int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var cp) || hex.ContainsAny("+- "))
            throw Error($"invalid unicode escape `{hex}`");
        // Surrogates and values past U+10FFFF are not Unicode scalar values.
        if (cp is >= 0xD800 and <= 0xDFFF || cp > 0x10FFFF || cp < 0)
            throw Error($"unicode escape `{hex}` is not a Unicode scalar value");
        sb.Append(char.ConvertFromUtf32(cp));
        _pos += digits;
    }
}
