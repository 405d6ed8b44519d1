using System.Collections.Concurrent;
using GhostCrate.Core.Crates;

namespace GhostCrate.Core.Index;

/// <summary>
/// Rendered index files with their precomputed ETag, so a warm request or a 304 costs no database query and no hashing.
/// Correctness with several nodes on one database:
/// <list type="bullet">
/// <item>a write on this node (publish, yank) removes the crate's entry as soon as it has committed;</item>
/// <item>a write on another node is seen through <see cref="ICrateRepository.ListChangedSinceAsync"/>: at most once per
/// <see cref="PollInterval"/> one request asks the database which crates changed (an indexed range query on
/// crates.updated_at) and drops those entries, so other nodes' writes are visible here within about a second;</item>
/// <item>an entry is never kept longer than <see cref="MaxAge"/>, whatever the polls said, unless a sweep vouches for
/// it: every <see cref="SweepInterval"/> one background query reads every crate's updated_at, and an entry rendered
/// from the updated_at the latest sweep read (if that sweep started less than <see cref="MaxAge"/> ago) stays. A write
/// the polls missed is caught by the next sweep, so nothing stays stale longer than <see cref="MaxAge"/> either way,
/// and a large registry's files are not all rendered again every minute.</item>
/// </list>
/// Memory is bounded by a byte budget with second-chance (CLOCK) eviction: often requested files stay.
/// <para>
/// With an <see cref="IIndexFileSpill"/>, every rendered file is kept on this node's disk, and a file that is not
/// in memory is read from there instead of rendered again; once memory is full, only files that clients revalidate
/// (the ones their builds use) replace others there (<see cref="Store"/>).
/// The same rules hold for the disk: a write on this node deletes the file; a write that a poll reports is recorded
/// (crate and updated_at) and a file rendered from another updated_at is not used; no file older than
/// <see cref="MaxAge"/> is used unless a sweep vouches for it. A render that overlaps an invalidation or a newly
/// reported write stores nothing, here or there (<see cref="Version"/>).
/// </para>
/// </summary>
public sealed class IndexFileCache
{
    /// <summary>How often the database is asked what other nodes changed.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// updated_at is stamped from the writer's clock when its publish starts, and the transaction may commit later
    /// (a slow blob upload), so each poll looks back this far (covers long transactions and clock skew).
    /// </summary>
    public static readonly TimeSpan LookBack = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    /// <summary>How often every crate's updated_at is read (half of <see cref="MaxAge"/>, so one failed sweep is survived).</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    // Per-entry bookkeeping (dictionary node, entry object, key string) on top of the file's bytes.
    private const int EntryOverheadBytes = 256;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    // Writes the polls reported, for the spilled files: canonical name -> the newest updated_at seen.
    private readonly ConcurrentDictionary<string, ReportedWrite> _reported = new(StringComparer.Ordinal);
    private readonly IIndexFileSpill? _spill;
    private readonly ICrateRepository _crates;
    private readonly TimeProvider _time;
    private readonly long _budgetBytes;
    private readonly long _maxAgeTicks; // MaxAge in the clock's timestamp units
    private readonly SemaphoreSlim _poll = new(1, 1);
    private readonly Lock _evictLock = new();
    private long _bytes;
    private long _invalidations;
    private long _nextPollTicks;
    private DateTimeOffset _polledUntil;
    private long _nextSweepTicks;
    private int _sweeping;
    private volatile Sweep? _sweep;
    private volatile Task _lastSweep = Task.CompletedTask;

    public IndexFileCache(ICrateRepository crates, TimeProvider time, long budgetBytes, IIndexFileSpill? spill = null)
    {
        _spill = budgetBytes > 0 ? spill : null;
        _crates = crates;
        _time = time;
        _budgetBytes = budgetBytes;
        _maxAgeTicks = Ticks(MaxAge);
        _polledUntil = time.GetUtcNow();
        _nextPollTicks = time.GetTimestamp();
        _nextSweepTicks = time.GetTimestamp() + Ticks(SweepInterval);
    }

    public bool Enabled => _budgetBytes > 0;

    public long SizeBytes => Interlocked.Read(ref _bytes);

    public int Count => _entries.Count;

    /// <summary>The latest background sweep (it never throws; tests wait for it).</summary>
    public Task LastSweep => _lastSweep;

    /// <summary>
    /// A cached file, or null (then render and <see cref="Store"/> it, passing the <see cref="Version"/> read before the
    /// query). <paramref name="keep"/>: a file read back from the spill is also put in memory (a revalidation: its
    /// client holds a copy and asks again on every build, so it is in someone's working set). Files read back for
    /// plain fetches are not (see <see cref="FromSpill"/>).
    /// </summary>
    public ValueTask<IndexFile?> TryGetAsync(string canonicalName, bool keep, CancellationToken cancellationToken)
    {
        if (!Enabled) return default;
        // Cargo's every revalidation comes through here: one clock read, and no state machine unless a poll is due.
        var timestamp = _time.GetTimestamp();
        if (timestamp >= Interlocked.Read(ref _nextSweepTicks)) StartSweep();
        return timestamp >= Interlocked.Read(ref _nextPollTicks)
            ? PollThenGetAsync(canonicalName, keep, cancellationToken)
            : new ValueTask<IndexFile?>(Get(canonicalName, keep, timestamp));
    }

    private async ValueTask<IndexFile?> PollThenGetAsync(string canonicalName, bool keep, CancellationToken cancellationToken)
    {
        await PollAsync(cancellationToken);
        return Get(canonicalName, keep, _time.GetTimestamp());
    }

    private IndexFile? Get(string canonicalName, bool keep, long timestamp)
    {
        if (_entries.TryGetValue(canonicalName, out var entry))
        {
            if (timestamp <= entry.FreshUntil || IsVouched(canonicalName, entry, timestamp))
            {
                if (!entry.Touched) entry.Touched = true; // a read, not a write, on the hot path: the line stays shared
                return entry.File;
            }
            Remove(canonicalName, entry);
        }
        return _spill is null ? null : FromSpill(canonicalName, keep, timestamp);
    }

    /// <summary>
    /// <see cref="SweepVouches"/> for an entry in memory. The answer is kept on the entry until the next sweep: looking
    /// the name up in the sweep hashes it again, which cost as much as the rest of a 304 from memory.
    /// </summary>
    private bool IsVouched(string canonicalName, Entry entry, long timestamp)
    {
        if (RecentSweep(timestamp) is not { } sweep) return false;
        if (ReferenceEquals(entry.VouchedBy, sweep)) return true;
        if (!sweep.UpdatedAt.Recorded(canonicalName, entry.UpdatedAt)) return false;
        entry.VouchedBy = sweep;
        return true;
    }

    /// <summary>Whether the latest sweep, begun less than <see cref="MaxAge"/> ago, read this updated_at for the crate.</summary>
    private bool SweepVouches(string canonicalName, DateTimeOffset updatedAt, long timestamp) =>
        RecentSweep(timestamp)?.UpdatedAt.Recorded(canonicalName, updatedAt) == true;

    /// <summary>The latest sweep if it began less than <see cref="MaxAge"/> ago (a failing database stops the vouching).</summary>
    private Sweep? RecentSweep(long timestamp) => _sweep is { } sweep && timestamp - sweep.StartedTimestamp <= _maxAgeTicks ? sweep : null;

    /// <summary>
    /// The timestamp until which a file rendered at <paramref name="storedAt"/> is young enough on its own: its age
    /// counts from its render (a spilled file may be old already, and its time is the wall clock's).
    /// </summary>
    private long FreshUntil(DateTimeOffset storedAt) => _time.GetTimestamp() + _maxAgeTicks - Ticks(_time.GetUtcNow() - storedAt);

    private IndexFile? FromSpill(string canonicalName, bool keep, long timestamp)
    {
        var version = Version; // before the read: an invalidation during it must stop the copy into memory
        if (_spill!.TryRead(canonicalName) is not { } spilled) return null;
        if (!(timestamp <= FreshUntil(spilled.StoredAt) || SweepVouches(canonicalName, spilled.UpdatedAt, timestamp))
            || (_reported.TryGetValue(canonicalName, out var reported) && reported.UpdatedAt != spilled.UpdatedAt))
        {
            return null; // Too old, or rendered before a write another process made: render again (and replace it).
        }
        // Not copied into memory for a plain fetch: copying every file read back would turn memory over at disk
        // speed, work for the GC's oldest generation (measured at 100k crates: a few percent fewer requests per second
        // and a longer latency tail). Files that clients revalidate are the exception: answering their 304s from disk
        // cost 20 against 11.5 us of CPU per request for nginx (bench, 100k crates), and they are few (the
        // dependencies of the builds that run).
        if (keep) StoreInMemory(canonicalName, spilled.File, spilled.UpdatedAt, spilled.StoredAt, version, mayEvict: true);
        return spilled.File;
    }

    /// <summary>Changes on every invalidation; a render that started before one must not be stored.</summary>
    public long Version => Interlocked.Read(ref _invalidations);

    /// <summary>
    /// Keeps a render. With a spill, a render for a plain fetch goes into memory only while there is room; only a
    /// revalidation's (<paramref name="keep"/>, as in <see cref="TryGetAsync"/>) may evict. Without one, every render
    /// may. A file not in memory is read back from disk, which costs about what nginx's answer from the page cache
    /// does, while a render that evicts another leaves garbage for the GC's oldest generation: at 100k crates a first
    /// pass over every file turned the 32 MB over six times and set the process's peak memory. A registry whose files
    /// all fit (10k crates in 32 MB) still answers every file from memory.
    /// </summary>
    public void Store(string canonicalName, IndexFile file, DateTimeOffset updatedAt, long versionBeforeRender, bool keep)
    {
        if (!Enabled) return;
        var storedAt = _time.GetUtcNow();
        StoreInMemory(canonicalName, file, updatedAt, storedAt, versionBeforeRender, mayEvict: _spill is null || keep);
        if (_spill is null || Version != versionBeforeRender) return;
        _spill.Write(canonicalName, new SpilledIndexFile(file, updatedAt, storedAt));
        // Invalidate counts up before it deletes: if it ran during the write, one of the two deletes what we wrote.
        if (Version != versionBeforeRender) _spill.Delete(canonicalName);
    }

    /// <param name="mayEvict">False: stored only if it fits in the free part of the budget.</param>
    private void StoreInMemory(string canonicalName, IndexFile file, DateTimeOffset updatedAt, DateTimeOffset storedAt, long versionBeforeRender, bool mayEvict)
    {
        var size = file.Content.Length + canonicalName.Length * 2 + EntryOverheadBytes;
        if (size > _budgetBytes / 4) return;
        if (!mayEvict && Interlocked.Read(ref _bytes) + size > _budgetBytes) return;
        if (Version != versionBeforeRender) return; // a write committed while we rendered: our bytes may be old
        // What a 304 reads (the key, the file and its ETag, the entry, and the dictionary's node that TryAdd makes
        // next) is allocated here in one run, so it lies together in memory: the key came with the first request and
        // the file with its render, far apart, and each object a 304 visits was a cache miss of its own.
        var key = new string(canonicalName);
        var entry = new Entry(file with { ETag = new string(file.ETag) }, updatedAt, FreshUntil(storedAt), size);
        if (_entries.TryGetValue(canonicalName, out var existing))
        {
            if (!_entries.TryUpdate(canonicalName, entry, existing)) return;
            Interlocked.Add(ref _bytes, entry.Size - existing.Size);
        }
        else
        {
            if (!_entries.TryAdd(key, entry)) return;
            Interlocked.Add(ref _bytes, entry.Size);
        }
        // An invalidation may have raced between the version check and the insert: drop what we just stored.
        if (Version != versionBeforeRender) Remove(canonicalName, entry);
        if (Interlocked.Read(ref _bytes) > _budgetBytes) Evict(spare: entry);
    }

    /// <summary>Called after a write to the crate's versions has committed (or may have).</summary>
    public void Invalidate(string canonicalName)
    {
        Interlocked.Increment(ref _invalidations);
        if (_entries.TryRemove(canonicalName, out var removed)) Interlocked.Add(ref _bytes, -removed.Size);
        _spill?.Delete(canonicalName);
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        // One request polls; the others keep serving what they have (at most one poll interval old).
        if (!_poll.Wait(0)) return;
        try
        {
            var startedAt = _time.GetUtcNow();
            var changes = await _crates.ListChangedSinceAsync(_polledUntil - LookBack, cancellationToken);
            foreach (var change in changes)
            {
                var news = false;
                if (_entries.TryGetValue(change.CanonicalName, out var entry) && entry.UpdatedAt != change.UpdatedAt)
                {
                    news = true;
                    Remove(change.CanonicalName, entry);
                }
                if (_spill is not null && (!_reported.TryGetValue(change.CanonicalName, out var known) || known.UpdatedAt != change.UpdatedAt))
                {
                    news = true;
                    _reported[change.CanonicalName] = new ReportedWrite(change.UpdatedAt, startedAt);
                }
                if (news) Interlocked.Increment(ref _invalidations);
            }
            ForgetOldReports(startedAt);
            _polledUntil = startedAt;
            Interlocked.Exchange(ref _nextPollTicks, _time.GetTimestamp() + Ticks(PollInterval));
        }
        finally
        {
            _poll.Release();
        }
    }

    /// <summary>
    /// A report is kept while the polls can still return it (so it is not counted as news again) and until every file
    /// rendered before it has expired: a render that overlapped the poll that recorded it stored nothing (the poll
    /// counted <see cref="Version"/> up), so any older file was stored before that poll.
    /// </summary>
    private void ForgetOldReports(DateTimeOffset now) // now: this poll's start; later polls look back from later
    {
        foreach (var (name, report) in _reported)
        {
            if (report.UpdatedAt < now - LookBack && now - report.RecordedAt > MaxAge)
            {
                _reported.TryRemove(new KeyValuePair<string, ReportedWrite>(name, report));
            }
        }
    }

    private void StartSweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1) return;
        Interlocked.Exchange(ref _nextSweepTicks, _time.GetTimestamp() + Ticks(SweepInterval));
        // In the background: reading every crate takes tens of milliseconds at 100k crates, no request waits for it.
        _lastSweep = Task.Run(SweepAsync);
    }

    private async Task SweepAsync()
    {
        try
        {
            var startedTimestamp = _time.GetTimestamp();
            var updatedAt = new CrateUpdateTimes(_sweep?.UpdatedAt.Count ?? 0);
            // Streamed: no list of every crate is built, and each name is garbage as soon as it is hashed.
            await _crates.ForEachCrateUpdatedAtAsync(updatedAt.Add, CancellationToken.None);
            _sweep = new Sweep(updatedAt, startedTimestamp);
        }
        catch (Exception)
        {
            // The database is unavailable: keep the last sweep, which stops vouching for anything MaxAge after it began.
        }
        finally
        {
            Interlocked.Exchange(ref _sweeping, 0);
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private void Remove(string canonicalName, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<string, Entry>(canonicalName, entry))) Interlocked.Add(ref _bytes, -entry.Size);
    }

    /// <summary>CLOCK: entries requested since the last sweep get a second chance; the sweep stops at 90 % of the budget.</summary>
    /// <param name="spare">The entry just stored, which must not pay for its own room.</param>
    private void Evict(Entry spare)
    {
        if (!_evictLock.TryEnter()) return;
        try
        {
            var target = _budgetBytes * 9 / 10;
            for (var round = 0; round < 2 && Interlocked.Read(ref _bytes) > target; round++)
            {
                foreach (var (name, entry) in _entries)
                {
                    if (Interlocked.Read(ref _bytes) <= target) break;
                    if (ReferenceEquals(entry, spare)) continue;
                    if (entry.Touched) entry.Touched = false;
                    else Remove(name, entry);
                }
            }
        }
        finally
        {
            _evictLock.Exit();
        }
    }

    private sealed record Sweep(CrateUpdateTimes UpdatedAt, long StartedTimestamp);

    private sealed record ReportedWrite(DateTimeOffset UpdatedAt, DateTimeOffset RecordedAt);

    private sealed class Entry(IndexFile file, DateTimeOffset updatedAt, long freshUntil, long size)
    {
        public IndexFile File { get; } = file;
        public DateTimeOffset UpdatedAt { get; } = updatedAt;
        /// <summary>The timestamp until which the entry is young enough on its own (<see cref="MaxAge"/> after its render).</summary>
        public long FreshUntil { get; } = freshUntil;
        public long Size { get; } = size;
        public volatile bool Touched;
        /// <summary>The sweep that last vouched for the entry (see <see cref="IsVouched"/>).</summary>
        public volatile Sweep? VouchedBy;
    }
}
