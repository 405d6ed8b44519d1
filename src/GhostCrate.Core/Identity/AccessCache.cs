using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Identity;

/// <summary>
/// Per-node memory of access decisions, so that a request with a known token (a 304 of the index in auth-required
/// mode, most of all) costs no database query: token -> principal, and crate -> may this caller read it.
/// <para>
/// Exactness comes from the database's access epoch (<see cref="IAccessEpoch"/>, moved by triggers whenever a token,
/// user, membership, owner or a crate's restricted flag changes): every entry carries the epoch this node had read
/// <em>before</em> it looked the answer up, and is trusted only while that is still the current epoch. The epoch is
/// read again on every change notification (PostgreSQL's NOTIFY at commit, so every node within milliseconds; SQLite:
/// once a second for another process such as the CLI) and right after a change made through this node
/// (<see cref="Invalidate"/>). <see cref="MaxAge"/> is a backstop for a notification path that fails unnoticed: when
/// the epoch has not been confirmed for that long, nothing is trusted until it has been read again (one query for the
/// whole memory, not one lookup per entry: entries that are still right are kept).
/// </para>
/// </summary>
public sealed class AccessCache(IAccessEpoch epoch, TimeProvider time, ILogger<AccessCache> logger) : Changes.ILocalWriteFollower
{
    /// <summary>Longest time the epoch is trusted without reading it again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    /// <summary>Entries per map; a full map is emptied (a burst of new tokens costs one lookup each, nothing more).</summary>
    public const int MaxEntries = 10_000;

    /// <summary>
    /// Crates remembered as open to every caller (not restricted). One entry per crate, whoever asks, so the map must
    /// hold a whole registry's crates: a smaller one that empties when full would be emptied again and again by
    /// clients that read every index file (a mirror, a fresh CI cache), and every read would cost a query.
    /// </summary>
    public const int MaxOpenCrates = 500_000;

    /// <summary>"No epoch known": nothing is trusted or stored (before the first read, and after a local change).</summary>
    public const long Unknown = -1;

    private readonly ConcurrentDictionary<TokenHashKey, CachedToken> _tokens = new();
    private readonly ConcurrentDictionary<ReadKey, CachedRead> _reads = new();
    private readonly ConcurrentDictionary<string, CachedOpen> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _epoch = Unknown;
    private long _lastKnown = Unknown;
    private long _invalidations;
    private long _confirmedAt; // timestamp (TimeProvider) at which the newest epoch read that found this memory current started
    private int _confirming; // 1 while a catch-up started by an unconfirmed read runs

    /// <summary>The epoch to stamp an answer with: take it before the lookup whose answer is stored.</summary>
    public long Stamp => Volatile.Read(ref _epoch);

    public bool TryGetToken(TokenHashKey tokenHash, out CachedToken token)
    {
        var current = Stamp;
        if (current != Unknown && _tokens.TryGetValue(tokenHash, out var found) && found.Epoch == current && Confirmed())
        {
            token = found;
            return true;
        }
        token = null!;
        return false;
    }

    public void StoreToken(TokenHashKey tokenHash, Principal principal, DateTimeOffset? expiresAt, DateTimeOffset lastTouched, long stamp)
    {
        if (stamp == Unknown || stamp != Stamp) return;
        if (_tokens.Count >= MaxEntries) _tokens.Clear();
        _tokens[tokenHash] = new CachedToken(principal, expiresAt, stamp, lastTouched.UtcTicks);
    }

    /// <summary>Whether the crate is known to be readable by every caller (it is not restricted, or does not exist).</summary>
    public bool IsKnownOpen(string canonicalName)
    {
        var current = Stamp;
        return current != Unknown && _open.TryGetValue(canonicalName, out var found) && found.Epoch == current && Confirmed();
    }

    /// <summary>Remembers that the crate is readable by every caller, as looked up after <paramref name="stamp"/> was taken.</summary>
    public void StoreOpen(string canonicalName, long stamp)
    {
        if (stamp == Unknown || stamp != Stamp) return;
        if (_open.Count >= MaxOpenCrates) _open.Clear();
        _open[canonicalName] = new CachedOpen(stamp);
    }

    public bool TryGetRead(string canonicalName, Principal? principal, out bool mayRead)
    {
        var current = Stamp;
        if (current != Unknown && _reads.TryGetValue(KeyOf(canonicalName, principal), out var found) && found.Epoch == current && Confirmed())
        {
            mayRead = found.MayRead;
            return true;
        }
        mayRead = false;
        return false;
    }

    public void StoreRead(string canonicalName, Principal? principal, bool mayRead, long stamp)
    {
        if (stamp == Unknown || stamp != Stamp) return;
        if (_reads.Count >= MaxEntries) _reads.Clear();
        _reads[KeyOf(canonicalName, principal)] = new CachedRead(mayRead, stamp);
    }

    /// <summary>
    /// Reads the database's epoch; when it moved, every entry stops being trusted. Called by the change feed (at start,
    /// after every reconnection and on every notification) and after <see cref="Invalidate"/>.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        long invalidations;
        lock (_gate) invalidations = _invalidations;
        // What the read confirms is the epoch as of when it started (a read that hung for a while confirms no more).
        var startedAt = time.GetTimestamp();
        var value = await epoch.ReadAsync(cancellationToken);
        lock (_gate)
        {
            // A local change after this read started: its own catch-up decides (this value may predate the change).
            if (invalidations != _invalidations) return;
            if (_epoch != Unknown && value <= _epoch)
            {
                // Nothing moved (or an older read finishing late, which still shows the value was current then).
                ConfirmedAsOf(startedAt);
                return;
            }
            if (value != _lastKnown)
            {
                _tokens.Clear();
                _reads.Clear();
                _open.Clear();
            }
            _lastKnown = value;
            ConfirmedAsOf(startedAt);
            Volatile.Write(ref _epoch, value);
        }
    }

    /// <summary>
    /// After a change made through this node committed (a token revoked, a user disabled, a membership changed):
    /// nothing is trusted until the epoch has been read again, so this node refuses a revoked token on the very next
    /// request rather than after the notification round trip.
    /// </summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _invalidations++;
            Volatile.Write(ref _epoch, Unknown);
        }
        _ = CatchUpAfterInvalidateAsync();
    }

    private async Task CatchUpAfterInvalidateAsync()
    {
        try
        {
            await CatchUpAsync(CancellationToken.None);
        }
        catch (Exception exception)
        {
            // Nothing is trusted meanwhile; the next notification or poll tries again.
            logger.LogWarning(exception, "Reading the access epoch failed");
        }
    }

    /// <summary>
    /// Whether the epoch was read within <see cref="MaxAge"/>. If not, the answer is "no" (the caller looks it up) and
    /// one catch-up starts, after which the entries that are still right are trusted again.
    /// </summary>
    private bool Confirmed()
    {
        if (time.GetElapsedTime(Volatile.Read(ref _confirmedAt)) < MaxAge) return true;
        if (Interlocked.Exchange(ref _confirming, 1) == 0) _ = ConfirmAsync();
        return false;
    }

    // Under _gate: only ever moves forward.
    private void ConfirmedAsOf(long startedAt)
    {
        if (startedAt > _confirmedAt) Volatile.Write(ref _confirmedAt, startedAt);
    }

    private async Task ConfirmAsync()
    {
        try
        {
            await CatchUpAsync(CancellationToken.None);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Reading the access epoch failed");
        }
        finally
        {
            Volatile.Write(ref _confirming, 0);
        }
    }

    private static ReadKey KeyOf(string canonicalName, Principal? principal) =>
        new(canonicalName, principal?.UserId ?? 0, principal?.IsAdmin ?? false);

    private readonly record struct ReadKey(string Crate, long UserId, bool IsAdmin);

    private sealed record CachedRead(bool MayRead, long Epoch);

    private sealed record CachedOpen(long Epoch);
}

/// <summary>A token's principal as looked up at <see cref="Epoch"/>; <see cref="LastTouchedTicks"/> paces the last-use write.</summary>
public sealed class CachedToken(Principal principal, DateTimeOffset? expiresAt, long epoch, long lastTouchedTicks)
{
    private long _lastTouchedTicks = lastTouchedTicks;

    public Principal Principal { get; } = principal;
    public DateTimeOffset? ExpiresAt { get; } = expiresAt;
    public long Epoch { get; } = epoch;

    /// <summary>The answer to hand out for this token, made once (a request of an auth-required registry allocates none).</summary>
    public TokenAuthentication Authentication { get; } = TokenAuthentication.Ok(principal);

    // The UTC day (DateOnly.DayNumber) this token and its user were last reported as seen to the usage counter.
    private int _seenDay = -1;

    /// <summary>Whether <paramref name="interval"/> has passed since the last recorded use (without claiming the write).</summary>
    public bool TouchDue(DateTimeOffset now, TimeSpan interval) => now.UtcTicks - Interlocked.Read(ref _lastTouchedTicks) > interval.Ticks;

    /// <summary>
    /// True once per UTC day: the usage counter keeps a day's sighting until it is stored (and again after a failed
    /// write), so telling it more than once a day only costs its lock on every request.
    /// </summary>
    public bool ClaimSeen(DateTimeOffset now)
    {
        var day = DateOnly.FromDateTime(now.UtcDateTime).DayNumber;
        var last = Volatile.Read(ref _seenDay);
        return last != day && Interlocked.CompareExchange(ref _seenDay, day, last) == last;
    }

    /// <summary>True for one caller once <paramref name="interval"/> has passed since the last recorded use.</summary>
    public bool ClaimTouch(DateTimeOffset now, TimeSpan interval)
    {
        var last = Interlocked.Read(ref _lastTouchedTicks);
        return now.UtcTicks - last > interval.Ticks && Interlocked.CompareExchange(ref _lastTouchedTicks, now.UtcTicks, last) == last;
    }
}
