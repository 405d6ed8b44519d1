using System.Runtime.CompilerServices;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Selection;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Upstream;

namespace GhostCrate.Mirror.Sync;

/// <summary>
/// The upstream side of a sync: mirror.json's selection resolved (with the dependency closure of `--resolve`), the
/// index source prepared (a git fetch, or the sparse config.json), and the index files the run looks at. The sync and
/// the disk estimate read the same files through this, so an estimate counts what the next sync would fetch. The
/// caller holds the mirror's lock (a git fetch must not run beside another).
/// </summary>
internal sealed class UpstreamRead : IAsyncDisposable
{
    private readonly DependencyClosure? _closure;

    private UpstreamRead(IIndexSource source, ResolvedSelection selection, string downloadTemplate, DependencyClosure? closure)
    {
        Source = source;
        Selection = selection;
        DownloadTemplate = downloadTemplate;
        _closure = closure;
    }

    public IIndexSource Source { get; }
    public ResolvedSelection Selection { get; }

    /// <summary>mirror.json's upstream.download, else the `dl` of the upstream's config.json.</summary>
    public string DownloadTemplate { get; }

    public static async Task<UpstreamRead> OpenAsync(MirrorLayout layout, MirrorConfig config, HttpClient http, IMirrorProgress progress, CancellationToken cancellationToken)
    {
        var selection = ResolvedSelection.Resolve(config.Selection, layout.Root);
        IIndexSource source = config.Upstream.IsSparse
            ? new SparseIndexSource(http, layout, config.Upstream, config.Download)
            : new GitIndexSource(layout, config.Upstream);
        try
        {
            var upstreamDl = await source.PrepareAsync(cancellationToken);
            DependencyClosure? closure = null;
            if (config.Selection.ResolveMode is { } mode)
            {
                closure = await DependencyClosure.ResolveAsync(selection.NamedCrates, selection.SelectRoot, source.ReadNamesAsync, selection.PatternsAllow,
                    mode, config.Selection.ResolveDev, config.Selection.SkipYanked, cancellationToken);
                foreach (var note in closure.Notes) progress.Note($"resolve: {note}");
                selection = selection.WithClosure(closure);
            }
            return new UpstreamRead(source, selection, config.Upstream.Download ?? upstreamDl, closure);
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }

    /// <summary>The index files this run looks at. A resolved selection already read the closure's files; only lock-file pins outside it are read now.</summary>
    public async IAsyncEnumerable<UpstreamIndexFile> FilesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_closure is null)
        {
            await foreach (var file in Source.ReadAsync(Selection, cancellationToken)) yield return file;
            yield break;
        }
        foreach (var (name, file) in _closure.Files)
        {
            if (Selection.WantsCrate(name)) yield return file;
        }
        var rest = Selection.Pins!.Keys.Where(n => !_closure.Files.ContainsKey(n) && Selection.WantsCrate(n)).ToList();
        await foreach (var file in Source.ReadNamesAsync(rest, cancellationToken)) yield return file;
    }

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}
