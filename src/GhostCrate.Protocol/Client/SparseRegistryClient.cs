using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using GhostCrate.Protocol.Index;
using GhostCrate.Protocol.Json;

namespace GhostCrate.Protocol.Client;

/// <summary>
/// A typed client for one sparse registry (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol):
/// config.json, index files with conditional requests, and .crate downloads. Network failures, timeouts and
/// unexpected statuses come back as <see cref="FetchStatus.Error"/> values; only the caller's own cancellation throws.
/// The HttpClient is the caller's (IHttpClientFactory), so proxies, timeouts and decompression are configured there.
/// </summary>
public sealed class SparseRegistryClient
{
    private readonly HttpClient _http;
    private readonly SparseRegistryClientOptions _options;

    /// <param name="http">A client from IHttpClientFactory; this class never disposes it.</param>
    /// <param name="indexUrl">The index root, with or without cargo's `sparse+` prefix, e.g. `https://index.crates.io/`.</param>
    public SparseRegistryClient(HttpClient http, Uri indexUrl, SparseRegistryClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(indexUrl);
        _http = http;
        _options = options ?? new SparseRegistryClientOptions();
        IndexUrl = NormalizeIndexUrl(indexUrl);
    }

    /// <summary>The index root, always absolute http(s) and ending in '/'.</summary>
    public Uri IndexUrl { get; }

    /// <summary>Strips cargo's `sparse+` scheme prefix and adds the trailing '/' relative paths need.</summary>
    /// <exception cref="ArgumentException">Not an absolute http or https URL.</exception>
    public static Uri NormalizeIndexUrl(Uri indexUrl)
    {
        var text = indexUrl.OriginalString;
        if (text.StartsWith("sparse+", StringComparison.OrdinalIgnoreCase)) text = text["sparse+".Length..];
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"`{indexUrl}` is not an absolute http(s) index URL", nameof(indexUrl));
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    /// <summary>GET config.json and parse it.</summary>
    public async Task<ConfigFetchResult> FetchConfigAsync(CancellationToken cancellationToken = default)
    {
        var raw = await FetchAsync("config.json", IndexValidators.None, _options.MaxConfigBytes, cancellationToken).ConfigureAwait(false);
        if (raw.Status != FetchStatus.Ok) return ConfigFetchResult.From(raw);
        try
        {
            var config = JsonSerializer.Deserialize<RegistryConfig>(raw.Content, ProtocolJson.Options);
            return config is { Dl.Length: > 0 }
                ? ConfigFetchResult.Ok(config)
                : ConfigFetchResult.Failed("config.json has no `dl` field");
        }
        catch (JsonException e)
        {
            return ConfigFetchResult.Failed($"config.json is not valid JSON: {e.Message}");
        }
    }

    /// <summary>GET the index file of <paramref name="crateName"/> (any case), conditionally when validators are given.</summary>
    /// <exception cref="ArgumentException">Not a crate name.</exception>
    public Task<IndexFetchResult> FetchIndexFileAsync(string crateName, IndexValidators? validators = null, CancellationToken cancellationToken = default) =>
        FetchAsync(IndexPath.ForCrate(crateName), validators ?? IndexValidators.None, _options.MaxIndexFileBytes, cancellationToken);

    /// <summary>
    /// Streams the .crate at <paramref name="url"/> (see <see cref="DownloadUrlTemplate"/>) into <paramref name="destination"/>,
    /// refusing bodies over <paramref name="maxBytes"/>. Checksums are the caller's job: it knows the index `cksum`.
    /// </summary>
    public async Task<DownloadResult> DownloadAsync(Uri url, Stream destination, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(destination);
        try
        {
            using var request = NewRequest(url);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (IsNotFound(response.StatusCode)) return DownloadResult.NotFound((int)response.StatusCode);
            if (response.StatusCode != HttpStatusCode.OK)
                return DownloadResult.Failed($"{url} answered HTTP {(int)response.StatusCode}", (int)response.StatusCode);
            if (response.Content.Headers.ContentLength > maxBytes)
                return DownloadResult.Failed($"{url} is {response.Content.Headers.ContentLength} bytes, over the limit of {maxBytes}", 200);

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var copied = await CappedCopy.CopyAsync(body, destination, maxBytes, cancellationToken).ConfigureAwait(false);
            return copied < 0
                ? DownloadResult.Failed($"{url} sent more than the limit of {maxBytes} bytes", 200)
                : DownloadResult.Ok(copied);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            return DownloadResult.Failed($"{url}: {Describe(e)}");
        }
    }

    private async Task<IndexFetchResult> FetchAsync(string relativePath, IndexValidators validators, long maxBytes, CancellationToken cancellationToken)
    {
        var url = new Uri(IndexUrl, relativePath);
        try
        {
            using var request = NewRequest(url);
            if (!string.IsNullOrEmpty(validators.ETag) && EntityTagHeaderValue.TryParse(validators.ETag, out var tag))
                request.Headers.IfNoneMatch.Add(tag);
            if (!string.IsNullOrEmpty(validators.LastModified))
                request.Headers.TryAddWithoutValidation("If-Modified-Since", validators.LastModified);

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                // A 304 may omit validators it did not change (RFC 9110 §15.4.5); keep the ones we sent.
                var fresh = ReadValidators(response);
                return IndexFetchResult.NotModified(new IndexValidators(fresh.ETag ?? validators.ETag, fresh.LastModified ?? validators.LastModified));
            }
            if (IsNotFound(response.StatusCode)) return IndexFetchResult.NotFound((int)response.StatusCode);
            if (response.StatusCode != HttpStatusCode.OK)
                return IndexFetchResult.Failed($"{url} answered HTTP {(int)response.StatusCode}", (int)response.StatusCode);
            var content = await CappedCopy.ReadAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
            return content is null
                ? IndexFetchResult.Failed($"{url} is larger than the limit of {maxBytes} bytes", 200)
                : IndexFetchResult.Ok(content, ReadValidators(response));
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            return IndexFetchResult.Failed($"{url}: {Describe(e)}");
        }
    }

    private HttpRequestMessage NewRequest(Uri url)
    {
        // The client's default version and policy (a new message would otherwise always ask for HTTP/1.1): the
        // mirror's client asks for HTTP/2 where the upstream offers it.
        var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = _http.DefaultRequestVersion, VersionPolicy = _http.DefaultVersionPolicy };
        if (!string.IsNullOrEmpty(_options.AuthToken) && SameOrigin(url, IndexUrl))
            request.Headers.TryAddWithoutValidation("Authorization", _options.AuthToken);
        return request;
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private static IndexValidators ReadValidators(HttpResponseMessage response)
    {
        var etag = response.Headers.ETag?.ToString();
        var lastModified = response.Content.Headers.TryGetValues("Last-Modified", out var values) ? values.FirstOrDefault() : null;
        return new IndexValidators(etag, lastModified);
    }

    private static bool IsNotFound(HttpStatusCode status) =>
        status is HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.UnavailableForLegalReasons;

    /// <summary>Transport failures and HttpClient timeouts are results; the caller's own cancellation propagates.</summary>
    private static bool IsTransportFailure(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or IOException or OperationCanceledException;

    private static string Describe(Exception e) => e switch
    {
        TaskCanceledException or OperationCanceledException => "timed out",
        HttpRequestException { HttpRequestError: var kind } when kind != HttpRequestError.Unknown => $"{kind}: {e.Message}",
        _ => e.Message,
    };
}
