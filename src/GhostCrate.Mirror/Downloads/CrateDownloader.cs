using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Storage;

namespace GhostCrate.Mirror.Downloads;

/// <summary>
/// Fetches one .crate file (or toolchain archive, <see cref="DownloadRequest.FinalPath"/>) into the mirror, the way a
/// careful operator's script would:
/// <list type="bullet">
/// <item>bytes go to .ghostcrate/partial/NAME-VERSION.crate.part; an interrupted file is continued with a Range
/// request next time (a server that ignores Range just sends it all again). A new body that arrives whole before
/// anything is written waits there unnamed instead, and is named in crates/ once durable (<see cref="BodyFile"/>);</item>
/// <item>the SHA-256 of the whole file must equal the index `cksum` before the file is renamed into crates/ (a corrupt
/// body is thrown away and fetched again from the start, never accepted);</item>
/// <item>dropped connections, 5xx, 408/429, stalls (no bytes for StallTimeoutSeconds) and short bodies are retried with
/// exponential backoff and jitter; 404/410 and other 4xx are final.</item>
/// </list>
/// HTTP/2 is asked for and used where the upstream offers it (ALPN on TLS); otherwise HTTP/1.1.
/// </summary>
/// <param name="transferSlots">
/// When given, a request holds a slot only while it talks to the upstream (headers and body); the fsync and rename
/// that follow run outside it, so with more callers than slots the upstream sees exactly the configured parallelism
/// and the disk's latency no longer idles a connection.
/// </param>
/// <param name="durability">
/// When given, a finished file waits for the next group sync of the mirror's file system instead of its own fsync
/// (many small files: one syncfs for all that are ready); without it, or when the group sync fails, each file is
/// flushed on its own. Every partial and final path must then be inside the mirror.
/// </param>
/// <param name="partialsAtStart">
/// When given, the first attempt at a file whose partial file was not there at the start does not look for one.
/// </param>
public sealed class CrateDownloader(HttpClient http, MirrorLayout layout, DownloadConfig config, IMirrorProgress progress, SemaphoreSlim? transferSlots = null,
    GroupSync? durability = null, PartialsAtStart? partialsAtStart = null)
{
    /// <summary>
    /// Bytes gathered before a write: a small .crate is one write, and a download that stalls keeps at most this much
    /// in memory (the rest is in the partial file, where a later run resumes after it).
    /// </summary>
    private const int GatherBytes = 64 * 1024;
    private readonly Backoff _backoff = new(config);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _partialDirs = new(StringComparer.Ordinal);

    public Task<DownloadOutcome> DownloadAsync(DownloadRequest request, CancellationToken cancellationToken)
    {
        var final = request.FinalPath ?? layout.CrateFile(request.Name, request.Version);
        if (File.Exists(final))
            return Task.FromResult(Finish(new DownloadOutcome(request, DownloadStatus.Present, new FileInfo(final).Length, request.Cksum, 0, TimeSpan.Zero, 0, null)));
        return FetchAsync(request, final, cancellationToken);
    }

    /// <summary>
    /// <see cref="DownloadAsync"/> for a file the caller has just seen missing (a sync's reader checks every file):
    /// the second look would only cost a path walk per file.
    /// </summary>
    public Task<DownloadOutcome> DownloadMissingAsync(DownloadRequest request, CancellationToken cancellationToken) =>
        FetchAsync(request, request.FinalPath ?? layout.CrateFile(request.Name, request.Version), cancellationToken);

    private async Task<DownloadOutcome> FetchAsync(DownloadRequest request, string final, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();

        var part = request.PartialPath ?? layout.PartialFile(request.Name, request.Version);
        // Every .crate shares one partial folder: one mkdir per folder and run, not one per file. The folder is
        // remembered only after it exists, so a parallel download of the same folder never opens a file in it before
        // (it creates the folder again instead, which is harmless).
        var partialDir = Path.GetDirectoryName(part)!;
        if (!_partialDirs.ContainsKey(partialDir))
        {
            Directory.CreateDirectory(partialDir);
            _partialDirs.TryAdd(partialDir, true);
        }
        var mayHavePartial = partialsAtStart?.MayExist(part) != false;
        var attempt = 0;
        while (true)
        {
            attempt++;
            var result = await AttemptAsync(request, part, final, mayHavePartial, cancellationToken);
            mayHavePartial = true; // a failed attempt may have left bytes to resume
            var elapsed = Stopwatch.GetElapsedTime(started);
            switch (result.Kind)
            {
                case AttemptKind.Accepted:
                    return Finish(new DownloadOutcome(request, DownloadStatus.Downloaded, result.Size, request.Cksum, attempt, elapsed, result.ResumedFrom, null));
                case AttemptKind.NotFound:
                    return Finish(new DownloadOutcome(request, DownloadStatus.NotFound, 0, null, attempt, elapsed, 0, result.Error));
                case AttemptKind.Final:
                    return Finish(new DownloadOutcome(request, DownloadStatus.Failed, 0, null, attempt, elapsed, 0, result.Error));
            }
            if (attempt >= config.MaxAttempts)
                return Finish(new DownloadOutcome(request, DownloadStatus.Failed, 0, null, attempt, elapsed, 0, $"{result.Error} (gave up after {attempt} attempts)"));
            var delay = _backoff.Delay(attempt, result.RetryAfter);
            MirrorMetrics.Retries.Add(1);
            progress.Retrying(request, attempt, result.Error ?? "", delay);
            await Task.Delay(delay, cancellationToken);
        }
    }

    private DownloadOutcome Finish(DownloadOutcome outcome)
    {
        MirrorMetrics.Files.Add(1, new KeyValuePair<string, object?>("status", MirrorMetrics.StatusLabel(outcome.Status)));
        progress.FileFinished(outcome);
        return outcome;
    }

    private async Task<Attempt> AttemptAsync(DownloadRequest request, string part, string final, bool mayHavePartial, CancellationToken cancellationToken)
    {
        // From here until the file is ready (or the attempt fails) this download is one the current group sync waits for.
        using var writing = durability?.Writing();
        var exists = mayHavePartial && File.Exists(part);
        var existing = exists ? new FileInfo(part).Length : 0;
        if (existing > config.MaxCrateBytes)
        {
            File.Delete(part);
            exists = false;
            existing = 0;
        }

        using var message = new HttpRequestMessage(HttpMethod.Get, request.Url)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        if (existing > 0) message.Headers.Range = new RangeHeaderValue(existing, null);

        using var slot = await TransferSlot.AcquireAsync(transferSlots, cancellationToken);
        HttpResponseMessage response;
        using (var headerTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            headerTimeout.CancelAfter(TimeSpan.FromSeconds(config.RequestTimeoutSeconds));
            try
            {
                response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, headerTimeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Attempt.Retry($"no response within {config.RequestTimeoutSeconds}s");
            }
            catch (HttpRequestException ex)
            {
                return Attempt.Retry(Describe(ex));
            }
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
                return Attempt.Missing($"the upstream answered {status} for {request.Url}");
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && existing > 0)
            {
                // Our partial file may already be complete (a run killed between the last byte and the rename).
                slot.Dispose();
                using var whole = BodyFile.Existing(part);
                return await AcceptAsync(request, whole, final, existing, PartialFile.HashOf(part, existing), existing, writing);
            }
            if (status is >= 500 or 408 or 429)
                return Attempt.Retry($"HTTP {status}", RetryAfter(response));
            if (!response.IsSuccessStatusCode || status is not (200 or 206))
                return Attempt.Fail($"HTTP {status} for {request.Url}");

            long offset = 0;
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                if (existing == 0 || response.Content.Headers.ContentRange is not { From: { } from } || from != existing)
                    return Attempt.Retry("the upstream sent a range we did not ask for");
                offset = existing;
            }
            var expected = response.Content.Headers.ContentLength is { } length ? offset + length : (long?)null;
            if (expected > config.MaxCrateBytes)
                return Attempt.Fail($"the file is {expected} bytes, above download.maxCrateBytes ({config.MaxCrateBytes})");

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total;
            string? error;
            // Only a file of the mirror may be kept unnamed: the group sync vouches for the mirror's file system alone.
            using var file = BodyFile.Open(part, exists, offset, hash, durability is null ? null : Path.GetDirectoryName(part));
            error = await CopyBodyAsync(response, file, hash, cancellationToken);
            total = file.Length;
            slot.Dispose(); // the upstream part is over; durability below does not need the connection
            if (error is not null)
            {
                if (total > config.MaxCrateBytes)
                {
                    file.Discard();
                    return Attempt.Fail(error);
                }
                // What arrived stays for a Range request; it need not be durable: the whole file is hashed before it is accepted.
                return Attempt.Retry(error, resumedFrom: offset);
            }
            if (expected is { } want && total != want)
                return Attempt.Retry($"the body ended after {total} of {want} bytes", resumedFrom: offset);
            return await AcceptAsync(request, file, final, total, Convert.ToHexStringLower(hash.GetHashAndReset()), offset, writing);
        }
    }

    /// <summary>
    /// The file is renamed into crates/ only when its SHA-256 is the index `cksum` (otherwise it is discarded), and only
    /// once its bytes are durable: after the group sync that follows, or its own fsync where there is none.
    /// </summary>
    private async Task<Attempt> AcceptAsync(DownloadRequest request, BodyFile body, string final, long size, string sha256, long resumedFrom, IDisposable? writing)
    {
        if (!string.Equals(sha256, request.Cksum, StringComparison.Ordinal))
        {
            body.Discard();
            return Attempt.Retry($"checksum mismatch: the body hashes to {sha256}, the index says {request.Cksum}; discarded", resumedFrom: resumedFrom);
        }
        writing?.Dispose(); // the file is ready: the group it waits for must not wait for it
        if (durability is null || !await durability.WaitDurableAsync()) body.FlushToDisk();
        body.MoveIntoPlace(final);
        return Attempt.Accept(size, resumedFrom);
    }

    /// <summary>
    /// Copies the body into the partial file, hashing as it goes. Bytes are gathered into one buffer and written when
    /// it is full or the body ends: a small .crate is one write.
    /// </summary>
    private async Task<string?> CopyBodyAsync(HttpResponseMessage response, BodyFile file, IncrementalHash hash, CancellationToken cancellationToken)
    {
        // Pooled: a sync runs thousands of these, and a fresh buffer each would keep the GC busy.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(GatherBytes);
        var filled = 0;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            while (true)
            {
                stall.CancelAfter(TimeSpan.FromSeconds(config.StallTimeoutSeconds));
                var read = await body.ReadAsync(buffer.AsMemory(filled, GatherBytes - filled), stall.Token);
                if (read == 0) break;
                hash.AppendData(buffer, filled, read);
                filled += read;
                MirrorMetrics.Bytes.Add(read);
                progress.BytesReceived(read);
                if (file.Length + filled > config.MaxCrateBytes)
                {
                    file.Append(buffer.AsSpan(0, filled));
                    return $"the file is larger than download.maxCrateBytes ({config.MaxCrateBytes})";
                }
                if (filled == GatherBytes)
                {
                    file.Append(buffer.AsSpan(0, filled));
                    filled = 0;
                }
            }
            file.Complete(buffer.AsSpan(0, filled));
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            KeepWhatArrived(file, buffer.AsSpan(0, filled));
            return $"stalled: no bytes for {config.StallTimeoutSeconds}s after {file.Length} bytes";
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            KeepWhatArrived(file, buffer.AsSpan(0, filled));
            return $"connection lost after {file.Length} bytes: {Describe(ex)}";
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the bytes still in the buffer so a retry can resume after them; a disk that fails here just keeps fewer.</summary>
    private static void KeepWhatArrived(BodyFile file, ReadOnlySpan<byte> pending)
    {
        try
        {
            file.Append(pending);
        }
        catch (IOException)
        {
            // The retry resumes from the file's real length and hashes it again, so nothing depends on these bytes.
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    private static string Describe(Exception ex) =>
        ex.InnerException is { } inner && inner.Message != ex.Message ? $"{ex.Message} ({inner.Message})" : ex.Message;

    /// <summary>One of the transfer slots, released once (early, after the body, or at the end of the attempt).</summary>
    private sealed class TransferSlot(SemaphoreSlim? slots) : IDisposable
    {
        private int _held = slots is null ? 0 : 1;

        public static async Task<TransferSlot> AcquireAsync(SemaphoreSlim? slots, CancellationToken cancellationToken)
        {
            if (slots is not null) await slots.WaitAsync(cancellationToken);
            return new TransferSlot(slots);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _held, 0) == 1) slots!.Release();
        }
    }

    private enum AttemptKind { Accepted, Retry, NotFound, Final }

    private sealed record Attempt(AttemptKind Kind, long Size, string? Error, TimeSpan? RetryAfter, long ResumedFrom)
    {
        public static Attempt Accept(long size, long resumedFrom) => new(AttemptKind.Accepted, size, null, null, resumedFrom);
        public static Attempt Retry(string error, TimeSpan? retryAfter = null, long resumedFrom = 0) => new(AttemptKind.Retry, 0, error, retryAfter, resumedFrom);
        public static Attempt Missing(string error) => new(AttemptKind.NotFound, 0, error, null, 0);
        public static Attempt Fail(string error) => new(AttemptKind.Final, 0, error, null, 0);
    }
}
