using System.Formats.Tar;
using System.Globalization;
using System.Text.Json;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Inventory;
using GhostCrate.Mirror.Signing;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Toolchains;

namespace GhostCrate.Mirror.Bundles;

public sealed record ImportResult(int Mark, int? BaseMark, long Files, int Removed, bool AlreadyApplied, string SignedBy);

/// <summary>
/// `mirror import FILE --into DIR --trusted-key KEY`. Nothing becomes visible until everything checked out:
/// <list type="number">
/// <item>the TAR is unpacked into DIR/.ghostcrate/import-*/ (regular files only, no absolute or `..` paths, known top
/// folders, size limits), so a truncated or damaged TAR fails here;</item>
/// <item>the inventory's OpenPGP signature must verify against a trusted key, and every file must match its size,
/// SHA-256, SHA-512 and SHA3-256 there, with no file missing from or added to the inventory;</item>
/// <item>the bundle must belong to this mirror and continue exactly the mark DIR is at (out-of-order increments are
/// refused; the same bundle twice is a no-op);</item>
/// <item>toolchain files must form a tree rustup can trust together with what is already served: each archive matches
/// its `.sha256` and every manifest that names it, each manifest its `.sha256` (<see cref="ToolchainCheck"/>);</item>
/// <item>then it applies in one step: the .crate files and toolchain archives are renamed into crates/ and toolchains/
/// first (additive and invisible: nothing lists them yet), the next generation (index files, legacy TOML, toolchain
/// manifests and links to their archives, removals, the new mark) is built beside the served one, and one rename of the `current` link makes all of it visible at once (<see cref="MirrorGenerations"/>). A crash
/// at any point leaves the served state exactly as before or exactly as after, and running the import again finishes
/// it (or says the mark is already there).</item>
/// </list>
/// </summary>
public sealed class BundleImporter(TimeProvider time)
{
    /// <summary>Called with the name of each step as it completes (tests inject crashes here to prove atomicity).</summary>
    public Action<string> Step { get; init; } = _ => { };

    private const long MaxEntryBytes = 1L << 30;
    private static readonly string[] AllowedTop = ["crates", "index", "meta", DistPaths.Folder];

    public async Task<ImportResult> ImportAsync(string bundleFile, MirrorLayout layout, string trustedKeyFile, CancellationToken cancellationToken)
    {
        if (!File.Exists(bundleFile)) throw new MirrorException($"the bundle {bundleFile} does not exist");
        if (!File.Exists(trustedKeyFile)) throw new MirrorException($"the trusted key file {trustedKeyFile} does not exist");
        Directory.CreateDirectory(layout.Root);
        using var mirrorLock = MirrorLock.Acquire(layout, "import");
        RemoveStaleStaging(layout);
        var staging = Path.Combine(layout.StateDir, "import-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            StrictTarCheck.Verify(bundleFile);
            var unpacked = await UnpackAsync(bundleFile, staging, cancellationToken);
            var signedBy = await VerifyAsync(staging, unpacked, trustedKeyFile, cancellationToken);
            var manifest = JsonSerializer.Deserialize<BundleManifest>(await File.ReadAllBytesAsync(Path.Combine(staging, BundleManifest.EntryName), cancellationToken))
                ?? throw new MirrorException("bundle.json is empty");
            if (manifest.Format != BundleManifest.CurrentFormat) throw new MirrorException($"the bundle has format {manifest.Format}; this GhostCrate reads format {BundleManifest.CurrentFormat}");

            var state = ReadState(layout);
            if (state is not null && state.MirrorId != manifest.MirrorId)
                throw new MirrorException($"the bundle comes from mirror {manifest.MirrorId}, but {layout.Root} holds mirror {state.MirrorId}; import it into a fresh directory");
            if (state is not null && state.Mark > manifest.Mark)
                throw new MirrorException($"out of order: this bundle is mark {manifest.Mark}, older than mark {state.Mark} already imported into {layout.Root}; nothing to do with it");
            if (state is not null && state.Mark == manifest.Mark)
                return new ImportResult(manifest.Mark, manifest.BaseMark, 0, 0, AlreadyApplied: true, signedBy);
            if (manifest.BaseMark is { } baseMark && state?.Mark != baseMark)
            {
                throw new MirrorException(state is null
                    ? $"out of order: this incremental bundle continues mark {baseMark}, but {layout.Root} has no mirror yet; import the full bundle first"
                    : $"out of order: this bundle continues mark {baseMark}, but {layout.Root} is at mark {state.Mark}; import the bundles in between first (or a full bundle)");
            }
            CheckIndexMatchesFiles(staging, layout);
            await ToolchainImport.CheckAsync(staging, layout, manifest.Removed, cancellationToken);

            Step("verified");

            // 1. Crate files: immutable, verified, listed by no served index yet.
            long files = 0;
            var cratesDir = Path.Combine(staging, "crates");
            if (Directory.Exists(cratesDir))
            {
                foreach (var file in ServedIndex.Walk(cratesDir))
                {
                    var relative = Path.GetRelativePath(staging, file).Replace(Path.DirectorySeparatorChar, '/');
                    AtomicFile.MoveIntoPlace(file, layout.Full(relative));
                    files++;
                    Step("crate " + relative);
                }
            }
            // Toolchain archives likewise: verified above, served by no generation yet.
            var archives = ToolchainImport.MoveArchivesToStore(staging, layout);

            // 2. The next generation: index files and legacy TOML replaced, removals, the bundle's proof, the mark.
            var next = MirrorGenerations.Begin(layout);
            Step("generation-started");
            foreach (var top in new[] { "meta", "index" })
            {
                var dir = Path.Combine(staging, top);
                if (!Directory.Exists(dir)) continue;
                foreach (var file in ServedIndex.Walk(dir))
                {
                    AtomicFile.MoveIntoPlace(file, next.Full(Path.GetRelativePath(staging, file)));
                    files++;
                }
            }
            foreach (var removed in manifest.Removed.Where(p => (p.StartsWith("index/", StringComparison.Ordinal) || p.StartsWith(ToolchainTree.BundlePrefix, StringComparison.Ordinal))
                && DistPaths.IsSafeRelative(p)))
            {
                var path = next.Full(removed);
                if (File.Exists(path)) File.Delete(path);
            }
            files += ToolchainImport.BuildServedTree(staging, layout, next, archives);
            foreach (var name in new[] { "inventory.yaml", "inventory.yaml.asc", BundleManifest.EntryName })
                AtomicFile.MoveIntoPlace(Path.Combine(staging, name), next.Full($"bundles/{manifest.Mark.ToString(CultureInfo.InvariantCulture)}/{name}"));
            var newState = new ImportState(manifest.MirrorId, manifest.Mark, time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            // Never write in place inside a generation: its files are hard links shared with the served one.
            AtomicFile.Write(layout, next.ImportStateFile, JsonSerializer.SerializeToUtf8Bytes(newState), flushToDisk: false);
            if (!File.Exists(layout.ConfigFile))
            {
                MirrorConfigFile.Save(layout, MirrorConfig.Create(manifest.Upstream, null) with { MirrorId = manifest.MirrorId });
            }
            Step("generation-built");

            // 3. One rename makes it all visible.
            next.Commit(Step);
            return new ImportResult(manifest.Mark, manifest.BaseMark, files, manifest.Removed.Count, AlreadyApplied: false, signedBy);
        }
        finally
        {
            try
            {
                Directory.Delete(staging, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Staging folders of imports that were killed (this one holds the lock, so none is in use).</summary>
    private static void RemoveStaleStaging(MirrorLayout layout)
    {
        if (!Directory.Exists(layout.StateDir)) return;
        foreach (var dir in Directory.GetDirectories(layout.StateDir, "import-*")) Directory.Delete(dir, recursive: true);
    }

    public static ImportState? ReadState(MirrorLayout layout) =>
        File.Exists(layout.ImportStateFile) ? JsonSerializer.Deserialize<ImportState>(File.ReadAllBytes(layout.ImportStateFile)) : null;

    private static async Task<HashSet<string>> UnpackAsync(string bundleFile, string staging, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var input = File.OpenRead(bundleFile);
            await using var tar = new TarReader(input);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.EntryType is TarEntryType.Directory) continue;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    throw new MirrorException($"the bundle holds `{entry.Name}` of type {entry.EntryType}; only regular files are allowed");
                var name = CheckName(entry.Name);
                if (!names.Add(name)) throw new MirrorException($"the bundle holds `{name}` twice");
                if (entry.Length > MaxEntryBytes) throw new MirrorException($"the bundle entry `{name}` is larger than 1 GiB");
                var target = Path.Combine(staging, name);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
                if (entry.DataStream is { } data) await data.CopyToAsync(output, cancellationToken);
                if (output.Length != entry.Length) throw new MirrorException($"the bundle is truncated: `{name}` has {output.Length} of {entry.Length} bytes");
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or FormatException or ArgumentException)
        {
            throw new MirrorException($"the bundle is truncated or damaged ({ex.Message}); nothing was imported");
        }
        foreach (var required in new[] { BundleManifest.EntryName, "inventory.yaml", "inventory.yaml.asc" })
        {
            if (!names.Contains(required)) throw new MirrorException($"the bundle is incomplete: it has no {required} (truncated?); nothing was imported");
        }
        return names;
    }

    /// <summary>Entry names steer where files land: only known folders, no absolute paths, no `..`, no odd characters.</summary>
    private static string CheckName(string name)
    {
        var clean = name.Replace('\\', '/');
        var segments = clean.Split('/');
        var ok = !clean.StartsWith('/') && segments.All(s => s.Length > 0 && s != "." && s != ".." && !s.Any(char.IsControl))
            && (segments.Length == 1 ? clean is BundleManifest.EntryName or "inventory.yaml" or "inventory.yaml.asc" : AllowedTop.Contains(segments[0]));
        return ok ? clean : throw new MirrorException($"the bundle holds `{name}`, a path a bundle may not write to");
    }

    private static async Task<string> VerifyAsync(string staging, HashSet<string> names, string trustedKeyFile, CancellationToken cancellationToken)
    {
        var inventoryPath = Path.Combine(staging, "inventory.yaml");
        string signedBy;
        await using (var data = File.OpenRead(inventoryPath))
        await using (var signature = File.OpenRead(inventoryPath + ".asc"))
        await using (var keys = File.OpenRead(trustedKeyFile))
        {
            signedBy = OpenPgpSignature.VerifyDetached(data, signature, keys);
        }
        using var reader = new StreamReader(inventoryPath);
        var (_, files) = InventoryFile.Read(reader);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expected in files)
        {
            if (!listed.Add(expected.Path)) throw new MirrorException($"the inventory lists `{expected.Path}` twice");
            if (!names.Contains(expected.Path)) throw new MirrorException($"the bundle lacks `{expected.Path}`, which its signed inventory lists; nothing was imported");
            var actual = await FileDigest.ComputeAsync(Path.Combine(staging, expected.Path), expected.Path, cancellationToken);
            if (actual != expected)
                throw new MirrorException($"`{expected.Path}` does not match the signed inventory (size or hash differs): the bundle was altered; nothing was imported");
        }
        foreach (var name in names.Where(n => n is not ("inventory.yaml" or "inventory.yaml.asc")))
        {
            if (!listed.Contains(name)) throw new MirrorException($"`{name}` is in the bundle but not in its signed inventory; nothing was imported");
        }
        return signedBy;
    }

    /// <summary>Every version an incoming index file lists must have its file, in the bundle or already in the mirror.</summary>
    private static void CheckIndexMatchesFiles(string staging, MirrorLayout layout)
    {
        var indexDir = Path.Combine(staging, "index");
        if (!Directory.Exists(indexDir)) return;
        foreach (var file in ServedIndex.Walk(indexDir))
        {
            foreach (var line in IndexLine.ParseFile(File.ReadAllText(file), out _))
            {
                var relative = MirrorLayout.CrateRelativePath(line.Entry.Name, line.Entry.Vers);
                if (!File.Exists(Path.Combine(staging, relative)) && !File.Exists(layout.Full(relative)))
                    throw new MirrorException($"the bundle's index lists {line.Entry.Name} {line.Entry.Vers}, but neither the bundle nor {layout.Root} has its file (out of order?); nothing was imported");
            }
        }
    }
}
