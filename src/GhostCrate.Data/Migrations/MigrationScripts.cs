using System.Reflection;
using GhostCrate.Core.Options;

namespace GhostCrate.Data.Migrations;

/// <summary>Reads the embedded Migrations/{Provider}/NNNN_name.sql scripts.</summary>
internal static class MigrationScripts
{
    private static readonly Assembly Assembly = typeof(MigrationScripts).Assembly;

    public static IReadOnlyList<MigrationScript> For(DatabaseProvider provider)
    {
        // Embedded resource names are "<root namespace>.Migrations.<Provider>.<file name>".
        var prefix = $"{Assembly.GetName().Name}.Migrations.{provider}.";
        var scripts = new List<MigrationScript>();
        foreach (var resource in Assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal)) continue;
            var file = resource[prefix.Length..^".sql".Length];
            var underscore = file.IndexOf('_');
            if (underscore <= 0 || !int.TryParse(file[..underscore], out var version))
                throw new InvalidOperationException($"Migration '{resource}' is not named NNNN_name.sql.");
            using var stream = Assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new MigrationScript(version, file[(underscore + 1)..], reader.ReadToEnd()));
        }
        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        // Numbers are handed out to features in advance, so a gap (0003 landed before 0002) is legal: the runner applies
        // every missing version in order, and a later 0002 is applied when it arrives. A duplicate means a misnamed script.
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
                throw new InvalidOperationException($"{provider} has two migrations numbered {scripts[i].Version}.");
        }
        return scripts;
    }
}
