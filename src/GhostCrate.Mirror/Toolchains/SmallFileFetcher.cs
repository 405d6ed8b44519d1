using System.Net;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;

namespace GhostCrate.Mirror.Toolchains;

/// <summary>
/// Fetches the small files of a dist server (channel manifests, `.sha256`, `.asc`, `release-stable.toml`) whole into
/// memory, with a size limit and the crate mirror's retry rules: connection errors, 5xx, 408 and 429 are retried with
/// backoff; 404/410 mean "not published" (null); anything else is an error.
/// </summary>
public sealed class SmallFileFetcher(HttpClient http, DownloadConfig config, TimeProvider time)
{
    private readonly Backoff _backoff = new(config);

    public async Task<byte[]?> GetAsync(Uri url, int maxBytes, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            string error;
            TimeSpan? retryAfter = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(config.RequestTimeoutSeconds + config.StallTimeoutSeconds));
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone) return null;
                if (response.IsSuccessStatusCode)
                {
                    if (response.Content.Headers.ContentLength > maxBytes) throw new MirrorException($"{url} is larger than {maxBytes} bytes");
                    await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                    var buffer = new MemoryStream();
                    var chunk = new byte[81920];
                    int read;
                    while ((read = await body.ReadAsync(chunk, timeout.Token)) > 0)
                    {
                        if (buffer.Length + read > maxBytes) throw new MirrorException($"{url} is larger than {maxBytes} bytes");
                        buffer.Write(chunk, 0, read);
                    }
                    if (response.Content.Headers.ContentLength is { } length && length != buffer.Length)
                    {
                        error = $"the body ended after {buffer.Length} of {length} bytes";
                    }
                    else
                    {
                        return buffer.ToArray();
                    }
                }
                else if (status is >= 500 or 408 or 429)
                {
                    error = $"HTTP {status}";
                    retryAfter = response.Headers.RetryAfter?.Delta;
                }
                else
                {
                    throw new MirrorException($"the dist server answered HTTP {status} for {url}");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = "timed out";
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                error = ex.Message;
            }
            if (attempt >= config.MaxAttempts) throw new MirrorException($"cannot fetch {url}: {error} (gave up after {attempt} attempts)");
            await Task.Delay(_backoff.Delay(attempt, retryAfter), time, cancellationToken);
        }
    }
}
