using System.Formats.Tar;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Inventory;
using GhostCrate.Mirror.Signing;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Toolchains;

namespace GhostCrate.Mirror.Bundles;

public sealed record ExportResult(string Path, int Mark, int? BaseMark, long Files, long Bytes, int Removed);

/// <summary>
/// `mirror export DIR --out FILE [--since MARK]`: a TAR bundle with the changed index files, the new .crate files, a
/// legacy TOML per changed crate, the changed files of the served toolchain tree (`toolchains/dist/...`: manifests with
/// their `.sha256` and `.asc`, new archives, `toolchains/rustup/...`), bundle.json, and a signed YAML inventory of all
/// of them (the last two entries).
/// The bundle is written to a temp name and renamed at the end; the new mark is recorded only once the bundle exists.
/// </summary>
public sealed class BundleExporter(TimeProvider time)
{
    public async Task<ExportResult> ExportAsync(MirrorLayout layout, string outFile, int? since, string secretKeyFile, char[] passphrase, CancellationToken cancellationToken)
    {
        var config = MirrorConfigFile.Load(layout);
        using var mirrorLock = MirrorLock.Acquire(layout, "export");
        if (since is { } s && !File.Exists(MarkFile.PathOf(layout, s)))
            throw new MirrorException($"there is no mark {s} in {layout.Root} (latest is {MarkFile.Latest(layout)}); export without --since for a full bundle");
        var mark = MarkFile.Latest(layout) + 1;
        var work = Path.Combine(layout.TempDir, "export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            // One served generation for the whole export (the lock keeps writers out; pinning says so in code).
            var served = new ServedIndex(layout);

            // 1. Compare the current files with the base mark, teeing the current list into the new mark file.
            var markTemp = Path.Combine(work, "mark.list");
            var pathsFile = Path.Combine(work, "paths.txt");
            var removed = new List<string>();
            await using (var markWriter = new StreamWriter(markTemp) { NewLine = "\n" })
            await using (var pathsWriter = new StreamWriter(pathsFile) { NewLine = "\n" })
            {
                var current = Tee(MarkFile.Current(layout, served), markWriter);
                var before = since is { } baseMark ? MarkFile.Read(MarkFile.PathOf(layout, baseMark)) : [];
                foreach (var (entry, gone) in MarkFile.Compare(before, current))
                {
                    if (!gone) await pathsWriter.WriteLineAsync(entry.Path);
                    else if (entry.Path.StartsWith("index/", StringComparison.Ordinal) || entry.Path.StartsWith(ToolchainTree.BundlePrefix, StringComparison.Ordinal)) removed.Add(entry.Path);
                }
            }

            // 2. Legacy TOML for every crate whose index file is in the bundle.
            var generated = new List<string>();
            foreach (var path in File.ReadLines(pathsFile).Where(p => p.StartsWith("index/", StringComparison.Ordinal)))
            {
                if (!Protocol.Index.IndexPath.TryParse(path["index/".Length..], out var name)) continue;
                var toml = LegacyTomlMetadata.Render(name, served.Read(name) ?? [], line =>
                    File.Exists(layout.CrateFile(line.Entry.Name, line.Entry.Vers)) ? new FileInfo(layout.CrateFile(line.Entry.Name, line.Entry.Vers)).Length : null);
                var relative = $"meta/{name}.toml";
                Directory.CreateDirectory(Path.Combine(work, "meta"));
                await File.WriteAllTextAsync(Path.Combine(work, relative), toml, cancellationToken);
                generated.Add(relative);
            }
            var payloadCount = File.ReadLines(pathsFile).LongCount() + generated.Count;
            var manifest = new BundleManifest
            {
                MirrorId = config.MirrorId,
                Upstream = config.Upstream.Index,
                BaseMark = since,
                Mark = mark,
                Created = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                Removed = removed,
                Files = (int)payloadCount,
            };
            await File.WriteAllBytesAsync(Path.Combine(work, BundleManifest.EntryName), JsonSerializer.SerializeToUtf8Bytes(manifest, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
            generated.Add(BundleManifest.EntryName);

            // 3. Inventory of every entry, and its signature.
            string Resolve(string relative) => generated.Contains(relative) ? Path.Combine(work, relative) : served.Resolve(relative);
            IEnumerable<string> Entries() => File.ReadLines(pathsFile).Concat(generated);
            var inventory = Path.Combine(work, "inventory.yaml");
            await using (var stream = File.Create(inventory))
            {
                await InventoryFile.WriteAsync(Resolve, config.MirrorId, Entries(), stream, config.Download.Concurrency, cancellationToken);
            }
            await using (var data = File.OpenRead(inventory))
            await using (var key = OpenKey(secretKeyFile))
            await using (var signature = File.Create(inventory + ".asc"))
            {
                OpenPgpSignature.SignDetached(data, key, passphrase, signature);
            }

            // 4. The TAR itself, under a temp name, then renamed into place.
            var outPath = Path.GetFullPath(outFile);
            Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
            var tempOut = outPath + ".partial";
            long bytes = 0;
            await using (var output = new FileStream(tempOut, FileMode.Create, FileAccess.Write, FileShare.None, 256 * 1024, FileOptions.Asynchronous))
            {
                await using (var tar = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true))
                {
                    foreach (var relative in Entries().Append("inventory.yaml").Append("inventory.yaml.asc"))
                    {
                        var source = relative.StartsWith("inventory.yaml", StringComparison.Ordinal) ? Path.Combine(work, relative) : Resolve(relative);
                        // USTAR (no PAX records): every header byte is covered by its checksum, see StrictTarCheck.
                        var entry = new UstarTarEntry(TarEntryType.RegularFile, relative)
                        {
                            ModificationTime = File.GetLastWriteTimeUtc(source),
                            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                        };
                        await using var data = File.OpenRead(source);
                        entry.DataStream = data;
                        await tar.WriteEntryAsync(entry, cancellationToken);
                    }
                }
                await output.FlushAsync(cancellationToken);
                output.Flush(flushToDisk: true);
                bytes = output.Length;
            }
            File.Move(tempOut, outPath, overwrite: true);
            MarkFile.Write(layout, mark, MarkFile.Read(markTemp));
            return new ExportResult(outPath, mark, since, payloadCount, bytes, removed.Count);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static FileStream OpenKey(string path) =>
        File.Exists(path) ? File.OpenRead(path) : throw new MirrorException($"the signing key file {path} does not exist");

    private static IEnumerable<MarkEntry> Tee(IEnumerable<MarkEntry> entries, StreamWriter writer)
    {
        foreach (var e in entries)
        {
            writer.WriteLine($"{e.Path} {e.Size.ToString(CultureInfo.InvariantCulture)} {e.Hash}");
            yield return e;
        }
    }
}
