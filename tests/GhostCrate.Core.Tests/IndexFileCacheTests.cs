using System.Text;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Index;

namespace GhostCrate.Core.Tests;

public class IndexFileCacheTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-01-02T03:04:05.000Z");

    [Fact]
    public async Task A_warm_file_is_served_without_asking_the_database_again()
    {
        var (crates, _, service, _) = Create();
        crates.Set("Foo-Bar", T0, Line("Foo-Bar", "1.0.0"));
        var first = await service.GetAsync("foo-bar", CancellationToken.None);
        var second = await service.GetAsync("foo-bar", CancellationToken.None);
        Assert.Equal(first, second); // the same file (the cache keeps its own compact copy)
        Assert.Same(first!.Content, second!.Content);
        Assert.Equal(1, crates.Renders);
        Assert.Equal(first!.LastModified.ToString("R"), first.LastModifiedHeader);
    }

    [Fact]
    public async Task An_invalidation_by_a_writer_of_this_node_is_visible_at_once()
    {
        var (crates, _, service, _) = Create();
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        var before = await service.GetAsync("foo", CancellationToken.None);
        crates.Set("foo", T0, Line("foo", "1.0.0"), Line("foo", "1.1.0"));
        service.Invalidate("foo");
        var after = await service.GetAsync("foo", CancellationToken.None);
        Assert.NotEqual(before!.ETag, after!.ETag);
        Assert.Contains("1.1.0", Encoding.UTF8.GetString(after.Content));
    }

    [Fact]
    public async Task A_write_by_another_node_is_seen_after_the_next_poll()
    {
        var (crates, clock, service, _) = Create();
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        await service.GetAsync("foo", CancellationToken.None);
        // Another node publishes: only the database knows (its updated_at moves on).
        crates.Set("foo", T0.AddSeconds(3), Line("foo", "1.0.0"), Line("foo", "2.0.0"));
        var stale = await service.GetAsync("foo", CancellationToken.None);
        Assert.DoesNotContain("2.0.0", Encoding.UTF8.GetString(stale!.Content));

        clock.Advance(IndexFileCache.PollInterval);
        var fresh = await service.GetAsync("foo", CancellationToken.None);
        Assert.Contains("2.0.0", Encoding.UTF8.GetString(fresh!.Content));
        Assert.Equal(2, crates.Renders);
    }

    [Fact]
    public async Task Entries_expire_after_the_maximum_age_even_without_a_reported_change()
    {
        var (crates, clock, service, _) = Create();
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        await service.GetAsync("foo", CancellationToken.None);
        crates.ReportChanges = false;
        clock.Advance(IndexFileCache.MaxAge + TimeSpan.FromSeconds(1));
        await service.GetAsync("foo", CancellationToken.None);
        Assert.Equal(2, crates.Renders);
    }

    [Fact]
    public async Task A_render_that_raced_with_an_invalidation_is_not_kept()
    {
        var (_, _, _, cache) = Create();
        var version = cache.Version;
        var old = new IndexFile([1, 2, 3], "\"old\"", T0);
        cache.Invalidate("foo"); // a publish committed while the old bytes were being rendered
        cache.Store("foo", old, T0, version, keep: true);
        Assert.Null(await cache.TryGetAsync("foo", keep: false, CancellationToken.None));
    }

    [Fact]
    public async Task Another_spelling_is_not_found_even_when_the_file_is_cached()
    {
        var (crates, _, service, _) = Create();
        crates.Set("Foo-Bar", T0, Line("Foo-Bar", "1.0.0"));
        Assert.NotNull(await service.GetAsync("foo-bar", CancellationToken.None));
        Assert.Null(await service.GetAsync("foo_bar", CancellationToken.None));
    }

    [Fact]
    public async Task A_name_published_with_an_underscore_answers_only_to_that_spelling_when_cached()
    {
        var (crates, _, service, _) = Create();
        crates.Set("Foo_Bar", T0, Line("Foo_Bar", "1.0.0"));
        Assert.NotNull(await service.GetAsync("foo_bar", CancellationToken.None));
        Assert.Null(await service.GetAsync("foo-bar", CancellationToken.None));
        Assert.NotNull(await service.GetAsync("foo_bar", CancellationToken.None));
        Assert.Equal(1, crates.Renders);
    }

    [Fact]
    public async Task Memory_stays_within_the_budget_and_recently_used_files_survive()
    {
        const long budget = 64 * 1024;
        var (crates, _, service, cache) = Create(budget);
        var padding = new string('x', 900);
        for (var i = 0; i < 200; i++) crates.Set($"crate{i}", T0, Line($"crate{i}", "1.0.0", padding));
        for (var i = 0; i < 200; i++)
        {
            await service.GetAsync($"crate{i}", CancellationToken.None);
            await service.GetAsync("crate0", CancellationToken.None); // hot
        }
        Assert.InRange(cache.SizeBytes, 1, budget);
        var renders = crates.Renders;
        await service.GetAsync("crate0", CancellationToken.None);
        Assert.Equal(renders, crates.Renders);
    }

    [Fact]
    public async Task A_zero_budget_turns_the_cache_off()
    {
        var (crates, _, service, cache) = Create(0);
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        await service.GetAsync("foo", CancellationToken.None);
        await service.GetAsync("foo", CancellationToken.None);
        Assert.Equal(2, crates.Renders);
        Assert.Equal(0, cache.Count);
    }

    // The spill (second level): a file too large for the memory level (over a quarter of its budget) lives there only,
    // so these tests see what the spill alone decides.
    private const long SmallBudget = 16 * 1024;
    private static readonly string Large = new('x', 8 * 1024);

    [Fact]
    public async Task A_file_not_in_memory_is_read_back_from_the_spill_instead_of_rendered()
    {
        var (crates, _, service, cache, spill) = CreateWithSpill(SmallBudget);
        crates.Set("foo", T0, Line("foo", "1.0.0", Large));
        var first = await service.GetAsync("foo", CancellationToken.None);
        var second = await service.GetAsync("foo", CancellationToken.None);
        Assert.Equal(1, crates.Renders);
        Assert.Equal(0, cache.Count);
        Assert.Equal(1, spill.Reads);
        Assert.Equal(first!.ETag, second!.ETag);
        Assert.Equal(first.Content, second.Content);
        Assert.Equal("foo", second.Name);
    }

    [Fact]
    public async Task A_file_read_back_from_the_spill_is_not_copied_into_memory()
    {
        var (crates, clock, service, _, spill) = CreateWithSpill();
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        await service.GetAsync("foo", CancellationToken.None);
        var (secondCache, second) = AnotherProcess(crates, clock, spill);
        await second.GetAsync("foo", CancellationToken.None);
        await second.GetAsync("foo", CancellationToken.None);
        Assert.Equal(1, crates.Renders);
        Assert.Equal(2, spill.Reads);
        Assert.Equal(0, secondCache.Count);
    }

    [Fact]
    public async Task With_a_spill_plain_fetches_fill_free_memory_and_only_revalidations_evict()
    {
        var (crates, _, service, cache, spill) = CreateWithSpill(budget: 64 * 1024); // room for seven 8 KB files
        for (var i = 0; i < 9; i++) crates.Set($"crate{i}", T0, Line($"crate{i}", "1.0.0", Large));
        for (var i = 0; i < 7; i++) await service.GetAsync($"crate{i}", CancellationToken.None);
        Assert.Equal(7, cache.Count);

        await service.GetAsync("crate7", CancellationToken.None); // no room: disk only, nothing evicted
        Assert.Equal(7, cache.Count);
        Assert.True(spill.Contains("crate7"));
        await service.GetAsync("crate7", CancellationToken.None);
        Assert.Equal(1, spill.Reads);

        await service.GetAsync("crate8", revalidation: true, CancellationToken.None); // evicts to make room
        Assert.InRange(cache.SizeBytes, 1, 64 * 1024);
        await service.GetAsync("crate8", CancellationToken.None);
        Assert.Equal(1, spill.Reads); // from memory
        Assert.Equal(9, crates.Renders);
    }

    [Fact]
    public async Task A_file_a_client_revalidates_is_copied_into_memory_when_read_back()
    {
        var (crates, clock, service, _, spill) = CreateWithSpill();
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        await service.GetAsync("foo", CancellationToken.None);
        var (secondCache, second) = AnotherProcess(crates, clock, spill);
        var first = await second.GetAsync("foo", revalidation: true, CancellationToken.None);
        Assert.Equal(1, secondCache.Count);
        var again = await second.GetAsync("foo", revalidation: true, CancellationToken.None);
        Assert.Equal(1, spill.Reads); // the second answer came from memory
        Assert.Equal(1, crates.Renders);
        Assert.Equal(first!.ETag, again!.ETag);
    }

    [Fact]
    public async Task A_file_copied_into_memory_from_the_spill_keeps_the_age_of_its_render()
    {
        var (crates, clock, service, _, spill) = CreateWithSpill();
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        await service.GetAsync("foo", CancellationToken.None);
        crates.ReportChanges = false;
        clock.Advance(IndexFileCache.MaxAge - TimeSpan.FromSeconds(10));
        var (secondCache, second) = AnotherProcess(crates, clock, spill);
        await second.GetAsync("foo", revalidation: true, CancellationToken.None);
        Assert.Equal(1, secondCache.Count);
        clock.Advance(TimeSpan.FromSeconds(20)); // the render is now older than MaxAge, the copy only 20 s old
        await second.GetAsync("foo", revalidation: true, CancellationToken.None);
        Assert.Equal(2, crates.Renders);
    }

    [Fact]
    public async Task An_invalidation_during_the_read_back_stops_the_copy_into_memory()
    {
        var (crates, clock, service, _, spill) = CreateWithSpill();
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        await service.GetAsync("foo", CancellationToken.None);
        var (secondCache, second) = AnotherProcess(crates, clock, spill);
        spill.OnRead = () =>
        {
            // A yank on this node commits while the old file is being read back (the spill still hands it out).
            crates.Set("foo", T0.AddSeconds(1), Line("foo", "1.0.0", "y"));
            secondCache.Invalidate("foo");
        };
        await second.GetAsync("foo", revalidation: true, CancellationToken.None);
        spill.OnRead = null;
        Assert.Equal(0, secondCache.Count);
        var after = await second.GetAsync("foo", revalidation: true, CancellationToken.None);
        Assert.Contains("\"cksum\":\"yaa\"", Encoding.UTF8.GetString(after!.Content));
    }

    [Fact]
    public async Task An_invalidation_by_a_writer_of_this_node_deletes_the_spilled_file()
    {
        var (crates, _, service, _, spill) = CreateWithSpill(SmallBudget);
        crates.Set("foo", T0, Line("foo", "1.0.0", Large));
        await service.GetAsync("foo", CancellationToken.None);
        Assert.True(spill.Contains("foo"));
        crates.Set("foo", T0, Line("foo", "1.0.0", Large), Line("foo", "1.1.0"));
        service.Invalidate("foo");
        Assert.False(spill.Contains("foo"));
        var after = await service.GetAsync("foo", CancellationToken.None);
        Assert.Contains("1.1.0", Encoding.UTF8.GetString(after!.Content));
    }

    [Fact]
    public async Task A_spilled_file_from_before_a_write_another_node_made_is_not_used_after_the_poll()
    {
        var (crates, clock, service, _, spill) = CreateWithSpill(SmallBudget);
        crates.Set("foo", T0, Line("foo", "1.0.0", Large));
        await service.GetAsync("foo", CancellationToken.None);
        crates.Set("foo", T0.AddSeconds(3), Line("foo", "1.0.0", Large), Line("foo", "2.0.0"));
        clock.Advance(IndexFileCache.PollInterval);
        var fresh = await service.GetAsync("foo", CancellationToken.None);
        Assert.Contains("2.0.0", Encoding.UTF8.GetString(fresh!.Content));
        Assert.Equal(2, crates.Renders);
        // The new render replaced the spilled file, and it is used from then on.
        await service.GetAsync("foo", CancellationToken.None);
        Assert.Equal(2, crates.Renders);
        Assert.Equal(T0.AddSeconds(3), spill.UpdatedAtOf("foo"));
    }

    [Fact]
    public async Task A_spilled_file_older_than_the_maximum_age_is_not_used()
    {
        var (crates, clock, service, _, _) = CreateWithSpill(SmallBudget);
        crates.Set("foo", T0, Line("foo", "1.0.0", Large));
        await service.GetAsync("foo", CancellationToken.None);
        crates.ReportChanges = false;
        clock.Advance(IndexFileCache.MaxAge + TimeSpan.FromSeconds(1));
        await service.GetAsync("foo", CancellationToken.None);
        Assert.Equal(2, crates.Renders);
    }

    [Fact]
    public void A_render_that_raced_with_an_invalidation_is_not_spilled()
    {
        var (_, _, _, cache, spill) = CreateWithSpill();
        var version = cache.Version;
        cache.Invalidate("foo");
        cache.Store("foo", new IndexFile([1, 2, 3], "\"old\"", T0) { Name = "foo" }, T0, version, keep: true);
        Assert.False(spill.Contains("foo"));
    }

    [Fact]
    public async Task A_render_that_raced_with_a_write_another_node_made_is_not_spilled()
    {
        var (crates, clock, _, cache, spill) = CreateWithSpill();
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        var version = cache.Version; // the render of foo starts...
        crates.Set("foo", T0.AddSeconds(1), Line("foo", "1.0.0"), Line("foo", "2.0.0")); // ...another node commits...
        clock.Advance(IndexFileCache.PollInterval);
        await cache.TryGetAsync("bar", keep: false, CancellationToken.None); // ...a request polls and hears of it...
        cache.Store("foo", new IndexFile([1, 2, 3], "\"old\"", T0) { Name = "foo" }, T0, version, keep: true); // ...and the old render ends.
        Assert.False(spill.Contains("foo"));
        Assert.Null(await cache.TryGetAsync("foo", keep: false, CancellationToken.None));
    }

    [Fact]
    public async Task A_write_reported_again_by_later_polls_is_news_only_once()
    {
        var (crates, clock, _, cache, _) = CreateWithSpill();
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        clock.Advance(IndexFileCache.PollInterval);
        await cache.TryGetAsync("bar", keep: false, CancellationToken.None);
        var version = cache.Version;
        clock.Advance(IndexFileCache.PollInterval);
        await cache.TryGetAsync("bar", keep: false, CancellationToken.None); // the same write is still within the look-back
        Assert.Equal(version, cache.Version);
    }

    [Fact]
    public async Task A_file_older_than_the_maximum_age_stays_while_a_recent_sweep_read_the_updated_at_it_was_rendered_from()
    {
        var (crates, clock, service, cache) = Create();
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        await service.GetAsync("foo", CancellationToken.None);
        await SweepAfter(IndexFileCache.SweepInterval, clock, cache);
        clock.Advance(IndexFileCache.MaxAge - IndexFileCache.SweepInterval + TimeSpan.FromSeconds(1));
        await service.GetAsync("foo", CancellationToken.None);
        Assert.Equal(1, crates.Renders);
    }

    [Fact]
    public async Task A_spilled_file_older_than_the_maximum_age_stays_while_a_recent_sweep_vouches_for_it()
    {
        var (crates, clock, service, cache, spill) = CreateWithSpill(SmallBudget);
        crates.Set("foo", T0, Line("foo", "1.0.0", Large));
        await service.GetAsync("foo", CancellationToken.None);
        await SweepAfter(IndexFileCache.SweepInterval, clock, cache);
        clock.Advance(IndexFileCache.MaxAge);
        await service.GetAsync("foo", CancellationToken.None);
        Assert.Equal(1, crates.Renders);
        Assert.Equal(1, spill.Reads);
    }

    [Fact]
    public async Task A_sweep_does_not_vouch_for_a_file_whose_crate_changed_since_even_when_the_polls_missed_the_write()
    {
        var (crates, clock, service, cache) = Create();
        crates.PollsMiss = true; // e.g. a transaction that committed long after it stamped updated_at
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        await service.GetAsync("foo", CancellationToken.None);
        await SweepAfter(IndexFileCache.SweepInterval, clock, cache);
        crates.Set("foo", T0.AddSeconds(31), Line("foo", "1.0.0"), Line("foo", "2.0.0"));
        // Past the maximum age (the file is no longer young enough on its own), after the next sweep.
        await SweepAfter(IndexFileCache.SweepInterval + TimeSpan.FromSeconds(1), clock, cache);
        var fresh = await service.GetAsync("foo", CancellationToken.None);
        Assert.Contains("2.0.0", Encoding.UTF8.GetString(fresh!.Content));
    }

    [Fact]
    public async Task A_sweep_vouches_for_a_file_only_until_the_next_sweep_which_reads_again()
    {
        var (crates, clock, service, cache) = Create();
        crates.PollsMiss = true;
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        await service.GetAsync("foo", CancellationToken.None);
        await SweepAfter(IndexFileCache.SweepInterval, clock, cache);
        await SweepAfter(IndexFileCache.SweepInterval + TimeSpan.FromSeconds(1), clock, cache);
        await service.GetAsync("foo", CancellationToken.None); // past the maximum age: the second sweep vouches
        Assert.Equal(1, crates.Renders);
        crates.Set("foo", T0.AddSeconds(70), Line("foo", "1.0.0"), Line("foo", "2.0.0"));
        await SweepAfter(IndexFileCache.SweepInterval, clock, cache); // reads the write the polls missed
        var fresh = await service.GetAsync("foo", CancellationToken.None);
        Assert.Contains("2.0.0", Encoding.UTF8.GetString(fresh!.Content));
    }

    [Fact]
    public async Task When_sweeps_fail_the_last_one_vouches_for_nothing_once_it_is_older_than_the_maximum_age()
    {
        var (crates, clock, service, cache) = Create();
        crates.Set("foo", T0, Line("foo", "1.0.0"));
        await service.GetAsync("foo", CancellationToken.None);
        await SweepAfter(IndexFileCache.SweepInterval, clock, cache);
        crates.SweepsFail = true;
        await SweepAfter(IndexFileCache.SweepInterval, clock, cache); // fails; the first sweep is 30 s old
        clock.Advance(IndexFileCache.MaxAge - IndexFileCache.SweepInterval + TimeSpan.FromSeconds(1));
        var renders = crates.Renders;
        await service.GetAsync("foo", CancellationToken.None);
        Assert.Equal(renders + 1, crates.Renders);
    }

    /// <summary>Moves the clock on and lets a request start the sweep that is then due; waits for it.</summary>
    private static async Task SweepAfter(TimeSpan delay, ManualClock clock, IndexFileCache cache)
    {
        clock.Advance(delay);
        var before = cache.LastSweep;
        await cache.TryGetAsync("any-name", keep: false, CancellationToken.None);
        Assert.NotSame(before, cache.LastSweep);
        await cache.LastSweep;
    }

    private static (FakeCrates Crates, ManualClock Clock, SparseIndexService Service, IndexFileCache Cache) Create(long budget = 1024 * 1024)
    {
        var (crates, clock, service, cache, _) = CreateWithSpill(budget, spill: false);
        return (crates, clock, service, cache);
    }

    [Fact]
    public void Crate_update_times_vouch_for_the_updated_at_they_read_and_never_for_names_whose_hashes_collide()
    {
        var times = new CrateUpdateTimes(0);
        times.Add("foo", T0);
        Assert.True(times.Recorded("foo", T0));
        Assert.False(times.Recorded("foo", T0.AddSeconds(1)));
        Assert.False(times.Recorded("bar", T0));

        var colliding = new CrateUpdateTimes(0, hash: _ => 42);
        colliding.Add("foo", T0);
        colliding.Add("bar", T0);
        Assert.False(colliding.Recorded("foo", T0));
        Assert.False(colliding.Recorded("bar", T0));
    }

    [Fact]
    public void Crate_update_times_of_a_large_registry_vouch_for_each_crate_across_the_shards()
    {
        // A hash without collisions (an odd multiplier is a bijection of 32-bit integers), spread over every shard by
        // its lowest bits: with the process's random string hash, 100k names collide about once per run, and the
        // colliding pair is (rightly) vouched for by no sweep.
        var names = Enumerable.Range(0, 100_000).Select(i => $"crate-{i}").ToList();
        var times = new CrateUpdateTimes(names.Count, hash: name => unchecked((int)(uint.Parse(name["crate-".Length..], System.Globalization.CultureInfo.InvariantCulture) * 2654435761u)));
        for (var i = 0; i < names.Count; i++) times.Add(names[i], T0.AddSeconds(i));

        Assert.Equal(names.Count, times.Count);
        Assert.All(Enumerable.Range(0, names.Count), i => Assert.True(times.Recorded(names[i], T0.AddSeconds(i))));
        Assert.DoesNotContain(Enumerable.Range(0, names.Count), i => times.Recorded(names[i], T0.AddSeconds(i + 1)));

        var sameShard = new CrateUpdateTimes(0, hash: name => int.Parse(name) * CrateUpdateTimes.Shards);
        for (var i = 0; i < 5_000; i++) sameShard.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddSeconds(i));
        Assert.True(sameShard.Recorded("4999", T0.AddSeconds(4999)));
        Assert.False(sameShard.Recorded("4999", T0));
    }

    private static (FakeCrates Crates, ManualClock Clock, SparseIndexService Service, IndexFileCache Cache, MemorySpill Spill) CreateWithSpill(long budget = 1024 * 1024, bool spill = true)
    {
        var crates = new FakeCrates();
        var clock = new ManualClock(T0);
        var memorySpill = new MemorySpill();
        var cache = new IndexFileCache(crates, clock, budget, spill ? memorySpill : null);
        return (crates, clock, new SparseIndexService(crates, cache), cache, memorySpill);
    }

    /// <summary>A cache and service as another process over the same spill would have them (nothing in its memory).</summary>
    private static (IndexFileCache Cache, SparseIndexService Service) AnotherProcess(FakeCrates crates, ManualClock clock, MemorySpill spill)
    {
        var cache = new IndexFileCache(crates, clock, 1024 * 1024, spill);
        return (cache, new SparseIndexService(crates, cache));
    }

    /// <summary>A unit-test stand-in for the disk (IndexSpillDirectory has its own tests in GhostCrate.Storage.Tests).</summary>
    private sealed class MemorySpill : IIndexFileSpill
    {
        private readonly Dictionary<string, SpilledIndexFile> _files = [];
        public int Reads { get; private set; }
        public Action? OnRead { get; set; }
        public bool Contains(string name) => _files.ContainsKey(name);
        public DateTimeOffset UpdatedAtOf(string name) => _files[name].UpdatedAt;

        public SpilledIndexFile? TryRead(string canonicalName)
        {
            var file = _files.GetValueOrDefault(canonicalName);
            if (file is not null) Reads++;
            OnRead?.Invoke();
            return file;
        }

        public void Write(string canonicalName, SpilledIndexFile file) => _files[canonicalName] = file;
        public void Delete(string canonicalName) => _files.Remove(canonicalName);
    }

    private static string Line(string name, string version, string extra = "") =>
        $$"""{"name":"{{name}}","vers":"{{version}}","deps":[],"cksum":"{{extra}}aa","features":{},"yanked":false,"links":null,"v":1,"rust_version":null}""";

    /// <summary>A TimeProvider whose clock only moves when the test says so.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;
        public void Advance(TimeSpan by) => _now += by;
        public override DateTimeOffset GetUtcNow() => _now;
        public override long GetTimestamp() => (_now - DateTimeOffset.UnixEpoch).Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    /// <summary>A unit-test fake of the repository: index sources by canonical name, and what changed since when.</summary>
    private sealed class FakeCrates : ICrateRepository
    {
        private readonly Dictionary<string, IndexSource> _sources = [];
        public int Renders { get; private set; }
        public bool ReportChanges { get; set; } = true;

        public void Set(string name, DateTimeOffset updatedAt, params string[] lines) =>
            _sources[Protocol.Crates.CrateName.Canonicalize(name)] = new IndexSource(name, updatedAt, lines.Select(l => new IndexSourceLine(l, false)).ToList());

        public Task<IndexSource?> GetIndexSourceAsync(string canonicalName, CancellationToken cancellationToken)
        {
            Renders++;
            return Task.FromResult(_sources.GetValueOrDefault(canonicalName));
        }

        /// <summary>Polls (a recent look-back) hear of nothing; a sweep (every crate) still reads them all.</summary>
        public bool PollsMiss { get; set; }
        public bool SweepsFail { get; set; }

        public Task<IReadOnlyList<CrateChange>> ListChangedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
        {
            var sweep = since == DateTimeOffset.UnixEpoch;
            if (sweep && SweepsFail) throw new InvalidOperationException("database unavailable");
            return Task.FromResult<IReadOnlyList<CrateChange>>(ReportChanges && (sweep || !PollsMiss)
                ? _sources.Where(s => s.Value.UpdatedAt >= since).Select(s => new CrateChange(s.Key, s.Value.UpdatedAt)).ToList()
                : []);
        }

        public Task<CrateRecord?> FindAsync(string canonicalName, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<VersionRecord>> ListVersionsAsync(long crateId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<VersionRecord?> FindVersionAsync(string canonicalName, string version, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<PublishWriteResult> PublishAsync(NewCrateVersion version, Func<CancellationToken, Task> storeBlob, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> SetYankedAsync(string canonicalName, string version, bool yanked, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<CrateSearchPage> SearchAsync(string query, int offset, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task IncrementDownloadsAsync(long versionId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<long> CountCratesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
