using System.Diagnostics;
using System.Threading.Channels;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Protocol.Client;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Storage;

namespace GhostCrate.Mirror.Sync;

/// <summary>
/// `ghostcrate mirror sync`: read the upstream index one crate file at a time, download the .crate files the mirror
/// lacks with bounded parallelism, and write a crate's index file into the next generation once every file it lists
/// is present. When the run ends (complete or with failures), that generation becomes the served one in one step
/// (<see cref="MirrorGenerations"/>): cargo never sees the index of one crate moved forward and its dependency's not
/// yet. A killed run leaves the served index as it was; its verified downloads stay and are not fetched again.
/// Memory stays flat however large the upstream is: a bounded queue sits between the index reader and the downloaders,
/// so at most a few crates' index files are held at once.
/// </summary>
public sealed class MirrorSync(IHttpClientFactory httpFactory, TimeProvider time)
{
    /// <summary>
    /// How many verified files share one syncfs while downloads are still running (fewer when the downloads pause).
    /// A syncfs flushes the disk once however many files it covers; the group's files wait, unrenamed, meanwhile.
    /// </summary>
    internal const int DurabilityGroupSize = 128;

    /// <summary>The longest a verified file waits for others to share its syncfs (a stalled download must not hold it back).</summary>
    internal static readonly TimeSpan DurabilityGroupMaxWait = TimeSpan.FromMilliseconds(200);

    public async Task<SyncReport> SyncAsync(MirrorLayout layout, IMirrorProgress progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var config = MirrorConfigFile.Load(layout);
        using var mirrorLock = MirrorLock.Acquire(layout, "sync");
        progress.Phase(SyncPhases.Preparing);
        var http = httpFactory.CreateClient(MirrorHttp.ClientName);
        await using var upstream = await UpstreamRead.OpenAsync(layout, config, http, progress, cancellationToken);
        var source = upstream.Source;
        var selection = upstream.Selection;
        var dl = upstream.DownloadTemplate;
        UpstreamDownloadTemplate.Save(layout, dl);
        progress.Phase(SyncPhases.Syncing);

        var counters = new Counters();
        var next = MirrorGenerations.BeginCopyOnFirstChange(layout);
        var served = next.Index;
        await using var manifest = new ManifestWriter(layout, "sync", time);
        // More workers than connections: the files of two durability groups (one gathering, one being synced) wait
        // without holding a connection, while the other workers keep every connection busy. (Each waiting file holds
        // its unnamed file open: more waiters ran out of descriptors under a limit of 1024.)
        using var transferSlots = new SemaphoreSlim(config.Download.Concurrency);
        var workerCount = config.Download.Concurrency * 2 + 2 * DurabilityGroupSize;
        var downloader = new CrateDownloader(http, layout, config.Download, new CountingProgress(progress, counters), transferSlots,
            GroupSync.ForFileSystemOf(layout.Root, time, DurabilityGroupSize, DurabilityGroupMaxWait), PartialsAtStart.List(layout.PartialDir));
        // Without a crates/ folder at the start (a first sync), no .crate file exists but the ones this run downloads,
        // each of them once: no need to look for each file before queueing it.
        var cratesAtStart = Directory.Exists(layout.CratesDir);
        var queue = Channel.CreateBounded<(CrateJob Job, int Line, DownloadRequest Request)>(new BoundedChannelOptions(config.Download.Concurrency * 2)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, workerCount).Select(_ => Task.Run(async () =>
        {
            try
            {
                await foreach (var (job, line, request) in queue.Reader.ReadAllAsync(stop.Token))
                {
                    var outcome = await downloader.DownloadMissingAsync(request, stop.Token);
                    manifest.Write(outcome);
                    if (outcome.Succeeded) job.MarkPresent(line);
                    else counters.Fail($"{request.Name} {request.Version}: {outcome.Status.ToString().ToLowerInvariant()}: {outcome.Error}");
                    if (job.Release()) Publish(job);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A broken disk or a bug: stop the reader too instead of letting it wait on a queue nobody drains.
                await stop.CancelAsync();
                throw;
            }
        }, stop.Token)).ToList();

        try
        {
            await foreach (var file in upstream.FilesAsync(stop.Token))
            {
                if (file.Error is not null)
                {
                    counters.Fail($"{file.Name}: index: {file.Error}");
                    continue;
                }
                if (file.Content is null)
                {
                    if (served.Delete(file.Name)) Interlocked.Increment(ref counters.IndexRemoved);
                    continue;
                }
                if (file.NotModified) Interlocked.Increment(ref counters.IndexNotModified);
                var lines = IndexLine.ParseFile(file.Content, out var unreadable);
                if (unreadable > 0) progress.Note($"{file.Name}: {unreadable} index line(s) could not be read and are left out");
                var job = new CrateJob(file.Name, selection.Select(file.Name, lines));
                for (var i = 0; i < job.Lines.Count; i++)
                {
                    var line = job.Lines[i];
                    var crateFile = layout.CrateFile(line.Entry.Name, line.Entry.Vers); // also refuses a name or version unfit for a path
                    if (cratesAtStart && File.Exists(crateFile))
                    {
                        job.MarkPresent(i);
                        Interlocked.Increment(ref counters.Present);
                        continue;
                    }
                    var request = new DownloadRequest(line.Entry.Name, line.Entry.Vers, line.Entry.Cksum,
                        DownloadUrlTemplate.Expand(dl, line.Entry.Name, line.Entry.Vers, line.Entry.Cksum));
                    job.Hold();
                    progress.FileQueued(request);
                    await queue.Writer.WriteAsync((job, i, request), stop.Token);
                }
                if (job.Release()) Publish(job);
            }
            queue.Writer.Complete();
            await Task.WhenAll(workers);
            // Crates the selection no longer wants (a name dropped from mirror.json, a new exclude pattern) leave the
            // served index: the next generation says what this mirror.json selects, not what it once did. (A selection
            // of every crate drops none: no need to list the whole index to find out.)
            foreach (var name in selection.WantsEveryCrate ? [] : served.EnumerateNames().Where(n => !selection.WantsCrate(n)).ToList())
            {
                if (served.Delete(name)) Interlocked.Increment(ref counters.IndexRemoved);
            }
        }
        catch
        {
            queue.Writer.TryComplete();
            await stop.CancelAsync();
            await Task.WhenAll(workers).ContinueWith(_ => { }, TaskScheduler.Default);
            // A worker's own failure explains more than the cancellation it caused in the reader.
            if (!cancellationToken.IsCancellationRequested && workers.FirstOrDefault(w => w.IsFaulted)?.Exception?.InnerException is { } cause)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            throw;
        }

        // Files that failed are simply not listed: what is present becomes visible now, the rest on a later run.
        if (counters.IndexUpdated + counters.IndexRemoved > 0) next.Commit();
        else next.Discard();
        var failures = counters.Failures();
        progress.Phase(SyncPhases.Committing);
        if (failures.Count == 0) await source.CommitAsync(selection, cancellationToken);
        return new SyncReport(counters.Downloaded, counters.Present, counters.Bytes, counters.Retries,
            counters.IndexUpdated, counters.IndexRemoved, failures, Stopwatch.GetElapsedTime(started), manifest.Path, counters.IndexNotModified);

        // Runs once per crate, after its last download finished (or at once when nothing was missing).
        void Publish(CrateJob job)
        {
            var present = job.PresentLines();
            var changed = present.Count == 0 ? served.Delete(job.Name) : served.Write(job.Name, present);
            if (!changed) return;
            Interlocked.Increment(ref counters.IndexUpdated);
            MirrorMetrics.IndexFiles.Add(1);
            progress.IndexFileUpdated(job.Name);
        }
    }

    /// <summary>
    /// One crate's selected lines, which of them have their .crate in the mirror (seen by the reader or downloaded),
    /// and the downloads still outstanding (plus one hold by the reader). Each flag is set by one task before its
    /// <see cref="Release"/>, and read only after the last release, so the interlocked count orders them.
    /// </summary>
    private sealed class CrateJob(string name, List<IndexLine> lines)
    {
        private readonly bool[] _present = new bool[lines.Count];
        private int _pending = 1;
        public string Name { get; } = name;
        public List<IndexLine> Lines { get; } = lines;
        public void Hold() => Interlocked.Increment(ref _pending);
        public bool Release() => Interlocked.Decrement(ref _pending) == 0;
        public void MarkPresent(int line) => _present[line] = true;
        public List<IndexLine> PresentLines() => Lines.Where((_, i) => _present[i]).ToList();
    }

    private sealed class Counters
    {
        public long Downloaded;
        public long Present;
        public long Bytes;
        public long Retries;
        public int IndexUpdated;
        public int IndexRemoved;
        public int IndexNotModified;
        private readonly List<string> _failures = [];

        public void Fail(string failure)
        {
            lock (_failures) _failures.Add(failure);
        }

        public IReadOnlyList<string> Failures()
        {
            lock (_failures) return [.. _failures];
        }
    }

    private sealed class CountingProgress(IMirrorProgress inner, Counters counters) : IMirrorProgress
    {
        public void FileQueued(DownloadRequest request) => inner.FileQueued(request);

        public void BytesReceived(long count)
        {
            Interlocked.Add(ref counters.Bytes, count);
            inner.BytesReceived(count);
        }

        public void Retrying(DownloadRequest request, int failedAttempts, string reason, TimeSpan delay)
        {
            Interlocked.Increment(ref counters.Retries);
            inner.Retrying(request, failedAttempts, reason, delay);
        }

        public void FileFinished(DownloadOutcome outcome)
        {
            if (outcome.Status == DownloadStatus.Downloaded) Interlocked.Increment(ref counters.Downloaded);
            inner.FileFinished(outcome);
        }

        public void IndexFileUpdated(string name) => inner.IndexFileUpdated(name);
        public void Note(string message) => inner.Note(message);
    }
}
