namespace GhostCrate.Packaging.Toml;

/// <summary>
/// Copies Tomlyn's model into ours, so the manifest and lock-file readers depend on a few small types of this project
/// and not on the parser's object model. Depth is bounded by the parser's MaxDepth.
/// </summary>
internal static class TomlModel
{
    public static TomlTable From(Tomlyn.Model.TomlTable source)
    {
        var table = new TomlTable();
        foreach (var (key, value) in source) table.Add(key, Value(value));
        return table;
    }

    private static object Value(object? value) => value switch
    {
        Tomlyn.Model.TomlTable t => From(t),
        Tomlyn.Model.TomlTableArray tables => Array(tables, isTableArray: true),
        Tomlyn.Model.TomlArray items => Array(items, isTableArray: false),
        Tomlyn.TomlDateTime dateTime => new TomlDateTime(dateTime.ToString()),
        string or long or double or bool => value,
        _ => throw new Tomlyn.TomlException($"unexpected TOML value of type {value?.GetType().Name ?? "null"}"),
    };

    private static TomlArray Array(System.Collections.IEnumerable items, bool isTableArray)
    {
        var array = new TomlArray(isTableArray);
        foreach (var item in items) array.Add(Value(item));
        return array;
    }
}
