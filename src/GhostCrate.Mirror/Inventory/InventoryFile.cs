using System.Globalization;
using GhostCrate.Mirror.Storage;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GhostCrate.Mirror.Inventory;

/// <summary>
/// The YAML inventory: every file with its size, SHA-256, SHA-512 and SHA3-256, sorted by path, no timestamps, so the
/// same files always give the same bytes (and so the same signature). Written as a stream of YAML events: a full
/// crates.io mirror has over a million files, and the inventory is never held in memory while it is written.
/// <code>
/// format: 1
/// mirror: 2f9c...
/// files:
/// - path: crates/serde/serde-1.0.200.crate
///   size: 78694
///   sha256: ...
///   sha512: ...
///   sha3-256: ...
/// </code>
/// </summary>
public static class InventoryFile
{
    public const int Format = 1;

    /// <summary>Hashes <paramref name="relativePaths"/> (already in order; <paramref name="resolve"/> finds each file) with bounded parallelism and writes the YAML.</summary>
    public static async Task<long> WriteAsync(Func<string, string> resolve, string mirrorId, IEnumerable<string> relativePaths, Stream output, int concurrency, CancellationToken cancellationToken)
    {
        FileDigest.EnsureSupported();
        await using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\n" };
        var emitter = new Emitter(writer);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        emitter.Emit(new MappingStart());
        Scalar(emitter, "format");
        Scalar(emitter, Format.ToString(CultureInfo.InvariantCulture));
        Scalar(emitter, "mirror");
        Scalar(emitter, mirrorId, quoted: true);
        Scalar(emitter, "files");
        emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
        long count = 0;
        // Batches keep the order deterministic while several files hash at once; memory stays one batch wide.
        foreach (var batch in relativePaths.Chunk(Math.Max(concurrency, 1) * 16))
        {
            var digests = new FileDigest[batch.Length];
            await Parallel.ForAsync(0, batch.Length, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
                digests[i] = await FileDigest.ComputeAsync(resolve(batch[i]), batch[i], ct));
            foreach (var digest in digests)
            {
                emitter.Emit(new MappingStart());
                Scalar(emitter, "path");
                Scalar(emitter, digest.Path, quoted: true);
                Scalar(emitter, "size");
                Scalar(emitter, digest.Size.ToString(CultureInfo.InvariantCulture));
                Scalar(emitter, "sha256");
                Scalar(emitter, digest.Sha256, quoted: true);
                Scalar(emitter, "sha512");
                Scalar(emitter, digest.Sha512, quoted: true);
                Scalar(emitter, "sha3-256");
                Scalar(emitter, digest.Sha3_256, quoted: true);
                emitter.Emit(new MappingEnd());
                count++;
            }
        }
        emitter.Emit(new SequenceEnd());
        emitter.Emit(new MappingEnd());
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        await writer.FlushAsync(cancellationToken);
        return count;
    }

    /// <summary>Reads an inventory back (a bundle's: bounded by the bundle's size).</summary>
    public static (string MirrorId, List<FileDigest> Files) Read(TextReader reader)
    {
        var parser = new Parser(reader);
        var files = new List<FileDigest>();
        string mirror = "";
        int format = 0;
        try
        {
            parser.Consume<StreamStart>();
            parser.Consume<DocumentStart>();
            parser.Consume<MappingStart>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = parser.Consume<YamlDotNet.Core.Events.Scalar>().Value;
                switch (key)
                {
                    case "format":
                        format = int.Parse(parser.Consume<YamlDotNet.Core.Events.Scalar>().Value, CultureInfo.InvariantCulture);
                        break;
                    case "mirror":
                        mirror = parser.Consume<YamlDotNet.Core.Events.Scalar>().Value;
                        break;
                    case "files":
                        parser.Consume<SequenceStart>();
                        while (!parser.TryConsume<SequenceEnd>(out _)) files.Add(ReadFile(parser));
                        break;
                    default:
                        throw new MirrorException($"the inventory has an unknown key `{key}`");
                }
            }
        }
        catch (YamlException ex)
        {
            throw new MirrorException($"the inventory is not valid YAML: {ex.Message}");
        }
        if (format != Format) throw new MirrorException($"the inventory has format {format}, expected {Format}");
        return (mirror, files);
    }

    private static FileDigest ReadFile(Parser parser)
    {
        parser.Consume<MappingStart>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var key = parser.Consume<YamlDotNet.Core.Events.Scalar>().Value;
            values[key] = parser.Consume<YamlDotNet.Core.Events.Scalar>().Value;
        }
        string Get(string key) => values.TryGetValue(key, out var v) ? v : throw new MirrorException($"an inventory entry lacks `{key}`");
        return new FileDigest(Get("path"), long.Parse(Get("size"), CultureInfo.InvariantCulture), Get("sha256"), Get("sha512"), Get("sha3-256"));
    }

    private static void Scalar(IEmitter emitter, string value, bool quoted = false) =>
        emitter.Emit(new YamlDotNet.Core.Events.Scalar(null, null, value, quoted ? ScalarStyle.DoubleQuoted : ScalarStyle.Plain, !quoted, quoted));

    /// <summary>`mirror inventory DIR`: every file of index/, crates/ and sidecars/ (the served and published content).</summary>
    public static async Task<long> WriteMirrorInventoryAsync(MirrorLayout layout, string mirrorId, int concurrency, CancellationToken cancellationToken)
    {
        // One served generation throughout, even if a sync switches meanwhile.
        var served = new ServedIndex(layout);
        IEnumerable<string> Under(string dir) => Directory.Exists(dir) ? ServedIndex.Walk(dir).Select(layout.Relative) : [];
        var paths = Under(layout.CratesDir).Concat(served.EnumerateFiles().Select(f => f.Relative)).Concat(Under(layout.SidecarsDir));
        long count = 0;
        await AtomicFile.WriteAsync(layout, layout.InventoryFile, async stream =>
            count = await WriteAsync(served.Resolve, mirrorId, paths, stream, concurrency, cancellationToken), cancellationToken);
        return count;
    }
}
