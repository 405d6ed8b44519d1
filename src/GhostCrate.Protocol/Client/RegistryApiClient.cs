using System.Net;
using System.Text.Json;
using GhostCrate.Protocol.Api;
using GhostCrate.Protocol.Json;

namespace GhostCrate.Protocol.Client;

/// <summary>The answer of an upstream search; <see cref="Response"/> is set only for <see cref="FetchStatus.Ok"/>.</summary>
public sealed record SearchFetchResult(FetchStatus Status, SearchResponse? Response, int? HttpStatus, string? Error);

/// <summary>
/// The part of a registry's web API a proxy forwards: search
/// (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#search). Failures are values, like
/// <see cref="SparseRegistryClient"/>; only the caller's cancellation throws.
/// </summary>
public sealed class RegistryApiClient
{
    private const long MaxSearchBytes = 4 * 1024 * 1024;
    private readonly HttpClient _http;

    /// <param name="http">A client from IHttpClientFactory; never disposed here.</param>
    /// <param name="apiUrl">The `api` root from config.json, e.g. https://crates.io.</param>
    public RegistryApiClient(HttpClient http, Uri apiUrl)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(apiUrl);
        _http = http;
        ApiUrl = apiUrl.AbsoluteUri.EndsWith('/') ? apiUrl : new Uri(apiUrl.AbsoluteUri + "/");
    }

    public Uri ApiUrl { get; }

    public async Task<SearchFetchResult> SearchAsync(string query, int perPage, int page, CancellationToken cancellationToken = default)
    {
        var url = new Uri(ApiUrl, $"api/v1/crates?q={Uri.EscapeDataString(query)}&per_page={perPage}&page={page}");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
                return new SearchFetchResult(FetchStatus.Error, null, (int)response.StatusCode, $"{url} answered HTTP {(int)response.StatusCode}");
            var body = await CappedCopy.ReadAsync(response.Content, MaxSearchBytes, cancellationToken).ConfigureAwait(false);
            if (body is null) return new SearchFetchResult(FetchStatus.Error, null, 200, $"{url} sent an oversized search answer");
            var parsed = JsonSerializer.Deserialize<SearchResponse>(body, ProtocolJson.Options);
            return parsed?.Crates is null
                ? new SearchFetchResult(FetchStatus.Error, null, 200, $"{url} did not answer a search result")
                : new SearchFetchResult(FetchStatus.Ok, parsed with { Meta = parsed.Meta ?? new SearchMeta(parsed.Crates.Count) }, 200, null);
        }
        catch (JsonException e)
        {
            return new SearchFetchResult(FetchStatus.Error, null, 200, $"{url} answered invalid JSON: {e.Message}");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new SearchFetchResult(FetchStatus.Error, null, null, $"{url}: {(e is TaskCanceledException ? "timed out" : e.Message)}");
        }
    }
}
