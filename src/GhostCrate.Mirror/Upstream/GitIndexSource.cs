using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Selection;
using GhostCrate.Mirror.Storage;
using GhostCrate.Protocol.Index;
using GhostCrate.Protocol.Json;

namespace GhostCrate.Mirror.Upstream;

/// <summary>
/// A git index (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-format) kept as a bare repository
/// in .ghostcrate/upstream.git. Fetches are shallow (depth 1): the crates.io index squashes its history anyway, and
/// comparing two trees (`git diff-tree`) needs the two commits, not the history between them. The commit that the
/// served index fully reflects is kept under refs/ghostcrate/synced, so the next run reads only changed files.
/// </summary>
public sealed class GitIndexSource(MirrorLayout layout, UpstreamConfig upstream) : IIndexSource
{
    private const string UpstreamRef = "refs/ghostcrate/upstream";
    private const string SyncedRef = "refs/ghostcrate/synced";
    private string? _fetchedCommit;
    private GitCatFile? _catFile;

    private string SyncedStateFile => Path.Combine(layout.StateDir, "git-synced.json");

    public async Task<string> PrepareAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(layout.GitDir))
        {
            Directory.CreateDirectory(layout.StateDir);
            await GitCli.RunAsync(null, ["init", "--bare", "--quiet", layout.GitDir], cancellationToken);
        }
        var source = upstream.Branch is { } branch ? $"refs/heads/{branch}" : "HEAD";
        await GitCli.RunAsync(layout.GitDir, ["fetch", "--quiet", "--depth", "1", "--no-tags", upstream.Index, $"+{source}:{UpstreamRef}"], cancellationToken);
        // The reader of index files starts now and answers these two questions too: each git process started from
        // here costs a few milliseconds before the first download can start.
        _catFile ??= new GitCatFile(layout.GitDir);
        _fetchedCommit = await _catFile.ResolveAsync(UpstreamRef + "^{commit}", cancellationToken)
            ?? throw new MirrorException($"{upstream.Index}: the fetched {source} is not a commit");
        var configJson = await _catFile.ReadAsync($"{_fetchedCommit}:config.json", cancellationToken)
            ?? throw new MirrorException($"{upstream.Index}: the index has no config.json");
        return ParseDl(Encoding.UTF8.GetString(configJson), upstream.Index);
    }

    public async IAsyncEnumerable<UpstreamIndexFile> ReadAsync(ResolvedSelection selection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var commit = _fetchedCommit ?? throw new InvalidOperationException("PrepareAsync first");
        if (selection.Pins is { } pins)
        {
            // A pinned selection is small: read each pinned crate's file directly.
            await foreach (var file in ReadNamesAsync(pins.Keys.ToList(), cancellationToken)) yield return file;
            yield break;
        }
        _catFile ??= new GitCatFile(layout.GitDir);

        var synced = await SyncedCommitAsync(selection, cancellationToken);
        // Blobs are asked for by object id: `COMMIT:PATH` makes git walk and inflate the trees again for every file,
        // which cost a full sync more CPU than all its downloads.
        var records = synced is null
            ? GitCli.StreamRecordsAsync(layout.GitDir, ["ls-tree", "-r", "-z", commit], cancellationToken)
            : GitCli.StreamRecordsAsync(layout.GitDir, ["diff-tree", "-r", "--no-renames", "-z", synced, commit], cancellationToken);
        var wanted = Wanted(BlobsOf(records, cancellationToken), selection, cancellationToken);
        await foreach (var (name, content) in _catFile.ReadManyAsync(wanted, ahead: 1024, cancellationToken))
        {
            yield return new UpstreamIndexFile(name, content);
        }
    }

    public async IAsyncEnumerable<UpstreamIndexFile> ReadNamesAsync(IReadOnlyList<string> names, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var commit = _fetchedCommit ?? throw new InvalidOperationException("PrepareAsync first");
        _catFile ??= new GitCatFile(layout.GitDir);
        foreach (var name in names)
        {
            var content = await _catFile.ReadAsync($"{commit}:{IndexPath.ForCrate(name)}", cancellationToken);
            yield return content is null
                ? new UpstreamIndexFile(name, null, "the upstream index has no such crate")
                : new UpstreamIndexFile(name, content);
        }
    }

    private static async IAsyncEnumerable<(string ObjectName, string Name)> Wanted(IAsyncEnumerable<(string Path, string ObjectId)> blobs, ResolvedSelection selection,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (path, objectId) in blobs.WithCancellation(cancellationToken))
        {
            if (IndexPath.TryParse(path, out var name) && selection.WantsCrate(name)) yield return (objectId, name);
        }
    }

    /// <summary>
    /// (path, blob id) from `ls-tree -r -z` (`MODE TYPE ID\tPATH`) or `diff-tree -r -z` (`:MODE MODE OLD NEW STATUS`,
    /// then the path as its own record). A deleted file has the all-zero id, which cat-file answers as missing.
    /// </summary>
    internal static async IAsyncEnumerable<(string Path, string ObjectId)> BlobsOf(IAsyncEnumerable<string> records,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? pendingId = null;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            if (pendingId is not null)
            {
                yield return (record, pendingId);
                pendingId = null;
            }
            else if (record.StartsWith(':'))
            {
                var fields = record.Split(' ');
                if (fields.Length < 5) throw new MirrorException($"unexpected `git diff-tree` record: {record}");
                pendingId = fields[3];
            }
            else
            {
                var tab = record.IndexOf('\t', StringComparison.Ordinal);
                var fields = tab < 0 ? [] : record[..tab].Split(' ');
                if (fields.Length != 3) throw new MirrorException($"unexpected `git ls-tree` record: {record}");
                if (fields[1] == "blob") yield return (record[(tab + 1)..], fields[2]);
            }
        }
    }

    public async Task CommitAsync(ResolvedSelection selection, CancellationToken cancellationToken)
    {
        var commit = _fetchedCommit ?? throw new InvalidOperationException("PrepareAsync first");
        await GitCli.RunAsync(layout.GitDir, ["update-ref", SyncedRef, commit], cancellationToken);
        var state = JsonSerializer.SerializeToUtf8Bytes(new SyncedState(commit, selection.Fingerprint));
        AtomicFile.Write(layout, SyncedStateFile, state);
    }

    /// <summary>The last fully served commit, or null when every file must be read (first run, or the selection changed).</summary>
    private async Task<string?> SyncedCommitAsync(ResolvedSelection selection, CancellationToken cancellationToken)
    {
        if (!File.Exists(SyncedStateFile)) return null;
        var state = JsonSerializer.Deserialize<SyncedState>(await File.ReadAllBytesAsync(SyncedStateFile, cancellationToken));
        if (state is null || state.Selection != selection.Fingerprint) return null;
        // The id goes to the cat-file process as one line of its input: anything but an object id is no commit of ours.
        if (!IsObjectId(state.Commit)) return null;
        _catFile ??= new GitCatFile(layout.GitDir);
        return await _catFile.ResolveAsync(state.Commit + "^{commit}", cancellationToken) is not null ? state.Commit : null;
    }

    /// <summary>A full SHA-1 or SHA-256 object id in hex.</summary>
    private static bool IsObjectId(string text) => text.Length is 40 or 64 && text.All(char.IsAsciiHexDigit);

    internal static string ParseDl(string configJson, string origin)
    {
        try
        {
            var config = JsonSerializer.Deserialize<RegistryConfig>(configJson, ProtocolJson.Options);
            if (config is { Dl.Length: > 0 }) return config.Dl;
        }
        catch (JsonException)
        {
        }
        throw new MirrorException($"{origin}: config.json has no `dl` download URL");
    }

    public async ValueTask DisposeAsync()
    {
        if (_catFile is not null) await _catFile.DisposeAsync();
    }

    private sealed record SyncedState(string Commit, string Selection);
}
