using System.Collections.Concurrent;

namespace GhostCrate.Mirror.Estimates;

/// <summary>
/// Adds up the sizes a run would download (<see cref="DiskEstimate"/>). The files nothing local can size are asked
/// about with HEAD: all of them when they are few, else a uniform random sample kept by reservoir sampling (one pass,
/// bounded memory however many files a full index lists), whose mean sizes the rest.
/// </summary>
internal sealed class SizeTally(int maxProbes)
{
    private const int ProbeConcurrency = 8;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    private readonly List<Uri> _probes = [];
    private long _needed;
    private long _present;
    private long _presentBytes;
    private long _bySiblings;
    private long _siblingBytes;
    private long _unsized;

    public void Present(long size)
    {
        _present++;
        _presentBytes += size;
    }

    /// <param name="siblingMean">The mean size of the same crate's files already here, when there are any.</param>
    public void Needed(Uri url, long? siblingMean)
    {
        _needed++;
        if (siblingMean is { } mean)
        {
            _bySiblings++;
            _siblingBytes += mean;
            return;
        }
        _unsized++;
        if (_probes.Count < maxProbes)
        {
            _probes.Add(url);
            return;
        }
        var slot = Random.Shared.NextInt64(_unsized);
        if (slot < maxProbes) _probes[(int)slot] = url;
    }

    public async Task<DiskEstimate> FinishAsync(HttpClient http, long indexBytes, IReadOnlyList<string> problems, CancellationToken cancellationToken)
    {
        var sizes = new ConcurrentBag<long>();
        await Parallel.ForEachAsync(_probes, new ParallelOptions { MaxDegreeOfParallelism = ProbeConcurrency, CancellationToken = cancellationToken }, async (url, token) =>
        {
            if (await ProbeAsync(http, url, token) is { } size) sizes.Add(size);
        });
        long exact = sizes.Count, exactBytes = sizes.Sum();
        var rest = _unsized - exact;
        long bySample = 0, sampleBytes = 0, unsized = 0;
        if (rest > 0)
        {
            // No sample answered (HEAD refused, say): the mean of the files already here is the next best guess.
            long? mean = exact > 0 ? exactBytes / exact : _present > 0 ? _presentBytes / _present : null;
            if (mean is { } m)
            {
                bySample = rest;
                sampleBytes = rest * m;
            }
            else
            {
                unsized = rest;
            }
        }
        return new DiskEstimate(_needed, _present, _presentBytes, exactBytes + _siblingBytes + sampleBytes, exact, _bySiblings, bySample, unsized, indexBytes, problems);
    }

    /// <summary>The file's Content-Length, or null when the upstream does not say (no HEAD support, an error, a timeout).</summary>
    private static async Task<long?> ProbeAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, url);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? response.Content.Headers.ContentLength : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
