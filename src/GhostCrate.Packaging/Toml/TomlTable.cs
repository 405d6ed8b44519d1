using System.Diagnostics.CodeAnalysis;

namespace GhostCrate.Packaging.Toml;

/// <summary>
/// A TOML table. Values are <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see cref="TomlDateTime"/>, <see cref="TomlArray"/> or <see cref="TomlTable"/>.
/// </summary>
public sealed class TomlTable
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);

    public IEnumerable<string> Keys => _values.Keys;

    public int Count => _values.Count;

    public object this[string key] => _values[key];

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, [NotNullWhen(true)] out object? value) => _values.TryGetValue(key, out value);

    public bool TryGetTable(string key, [NotNullWhen(true)] out TomlTable? table)
    {
        table = _values.TryGetValue(key, out var v) ? v as TomlTable : null;
        return table is not null;
    }

    internal void Add(string key, object value) => _values.Add(key, value);
}
