using GhostCrate.Mirror;
using GhostCrate.Mirror.Bundles;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Inventory;
using GhostCrate.Mirror.Signing;
using GhostCrate.Mirror.Storage;
using GhostCrate.Protocol.Formatting;

namespace GhostCrate.Cli.Mirror;

/// <summary>`mirror inventory|sign|export|import`: carrying a mirror across an air gap (docs/air-gapped-restore.md).</summary>
public static class MirrorBundleCommands
{
    public static async Task<int> SidecarsAsync(ParsedArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        args.EnsureOnly();
        var layout = MirrorCommands.Directory(args, "mirror sidecars DIR");
        var report = await GhostCrate.Mirror.Sidecars.SidecarWriter.WriteAsync(layout, cancellationToken);
        await output.WriteLineAsync($"Sidecars for {report.Versions} version(s): {report.Written} written, {report.Unchanged} unchanged, {report.Removed} stale removed ({layout.SidecarsDir}).");
        return 0;
    }

    public static async Task<int> InventoryAsync(ParsedArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        args.EnsureOnly();
        var layout = MirrorCommands.Directory(args, "mirror inventory DIR");
        var config = MirrorConfigFile.Load(layout);
        var count = await InventoryFile.WriteMirrorInventoryAsync(layout, config.MirrorId, config.Download.Concurrency, cancellationToken);
        await output.WriteLineAsync($"Wrote {layout.InventoryFile} ({count} files). Sign it with: ghostcrate mirror sign {layout.Root} --key SECRET.asc");
        return 0;
    }

    public static int Sign(ParsedArgs args, TextWriter output)
    {
        args.EnsureOnly("--key", "--passphrase-file");
        var layout = MirrorCommands.Directory(args, "mirror sign DIR --key SECRET.asc [--passphrase-file FILE]");
        var key = args.Option("--key") ?? throw new CliException("mirror sign needs --key SECRET.asc (an OpenPGP secret key, e.g. from `gpg --armor --export-secret-keys`)");
        if (!File.Exists(layout.InventoryFile)) throw new CliException($"{layout.InventoryFile} does not exist; run `ghostcrate mirror inventory {layout.Root}` first");
        if (!File.Exists(key)) throw new CliException($"the key file {key} does not exist");
        var temp = AtomicFile.NewTempPath(layout);
        using (var data = File.OpenRead(layout.InventoryFile))
        using (var secret = File.OpenRead(key))
        using (var signature = File.Create(temp))
        {
            OpenPgpSignature.SignDetached(data, secret, Passphrase(args), signature);
        }
        AtomicFile.MoveIntoPlace(temp, layout.SignatureFile);
        output.WriteLine($"Wrote {layout.SignatureFile}. Check it with: gpg --verify {layout.SignatureFile} {layout.InventoryFile}");
        return 0;
    }

    public static async Task<int> ExportAsync(ParsedArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        args.EnsureOnly("--out", "--key", "--passphrase-file", "--since");
        var layout = MirrorCommands.Directory(args, "mirror export DIR --out FILE --key SECRET.asc [--since MARK]");
        var outFile = args.Option("--out") ?? throw new CliException("mirror export needs --out FILE");
        var key = args.Option("--key") ?? throw new CliException("mirror export needs --key SECRET.asc: bundles are always signed");
        int? since = args.Option("--since") switch
        {
            null => null,
            "latest" => MarkFile.Latest(layout) is > 0 and var latest ? latest : throw new CliException("--since latest: no export has been made yet; export without --since first"),
            var text when int.TryParse(text, out var mark) && mark > 0 => mark,
            var text => throw new CliException($"--since needs a mark number or `latest` (got '{text}')"),
        };
        var result = await new BundleExporter(TimeProvider.System).ExportAsync(layout, outFile, since, key, Passphrase(args), cancellationToken);
        await output.WriteLineAsync($"Wrote {result.Path}: mark {result.Mark}{(result.BaseMark is { } b ? $" (changes since mark {b})" : " (full)")}, " +
            $"{result.Files} file(s), {result.Removed} removed file(s), {ByteSize.Format(result.Bytes)}.");
        await output.WriteLineAsync($"Next time: ghostcrate mirror export {layout.Root} --out NEXT.tar --key KEY --since {result.Mark}");
        return 0;
    }

    public static async Task<int> ImportAsync(ParsedArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        args.EnsureOnly("--into", "--trusted-key");
        if (args.Positionals.Count != 3) throw new CliException("usage: ghostcrate mirror import FILE --into DIR --trusted-key PUBLIC.asc");
        var into = args.Option("--into") ?? throw new CliException("mirror import needs --into DIR");
        var trusted = args.Option("--trusted-key") ?? throw new CliException("mirror import needs --trusted-key PUBLIC.asc: unsigned or untrusted bundles are never imported");
        var result = await new BundleImporter(TimeProvider.System).ImportAsync(args.Positionals[2], new MirrorLayout(into), trusted, cancellationToken);
        await output.WriteLineAsync(result.AlreadyApplied
            ? $"Mark {result.Mark} is already imported into {Path.GetFullPath(into)}; nothing to do."
            : $"Imported mark {result.Mark}{(result.BaseMark is { } b ? $" (after mark {b})" : " (full)")}: {result.Files} file(s), {result.Removed} file(s) removed; signed by key {result.SignedBy}.");
        return 0;
    }

    private static char[] Passphrase(ParsedArgs args) =>
        args.Option("--passphrase-file") is { } file
            ? File.Exists(file) ? File.ReadAllText(file).TrimEnd('\r', '\n').ToCharArray() : throw new CliException($"--passphrase-file: {file} does not exist")
            : [];
}
