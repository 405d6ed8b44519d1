using System.Text.Json;
using GhostCrate.Mirror.Storage;

namespace GhostCrate.Mirror.Configuration;

/// <summary>Reads and writes `mirror.json` in a mirror directory.</summary>
public static class MirrorConfigFile
{
    public static MirrorConfig Load(MirrorLayout layout)
    {
        var path = layout.ConfigFile;
        if (!File.Exists(path))
            throw new MirrorException($"{layout.Root} is not a mirror directory: {MirrorConfig.FileName} is missing (run `ghostcrate mirror init {layout.Root} --upstream URL`)");
        MirrorConfig? config;
        try
        {
            using var stream = File.OpenRead(path);
            config = JsonSerializer.Deserialize<MirrorConfig>(stream, MirrorConfig.JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new MirrorException($"{path}: {ex.Message}");
        }
        if (config is null) throw new MirrorException($"{path}: the file is empty");
        var errors = config.Validate();
        if (errors.Count > 0) throw new MirrorException($"{path}: " + string.Join("; ", errors));
        return config;
    }

    public static void Save(MirrorLayout layout, MirrorConfig config)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(config, MirrorConfig.JsonOptions);
        AtomicFile.Write(layout, layout.ConfigFile, [.. bytes, (byte)'\n']);
    }
}
