using System.Net;
using GhostCrate.Core.Storage;
using GhostCrate.Storage.S3;
using GhostCrate.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Storage.Tests;

/// <summary>
/// Presigned download URLs (Storage:S3:PresignedDownloads) against the real S3-compatible server: the URL alone, with no
/// credentials, fetches the object, and stops working once its lifetime has passed.
/// </summary>
public sealed class S3PresignedLinksTests(S3BucketFixture bucket) : IClassFixture<S3BucketFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _prefix = $"links-{Guid.NewGuid():N}/";

    [Fact]
    public async Task A_link_fetches_the_object_without_credentials()
    {
        var (key, bytes) = await StoreAsync();
        var url = await Links(TimeSpan.FromMinutes(5)).CreateReadLinkAsync(key, Ct);

        Assert.NotNull(url);
        Assert.Equal("http", url.Scheme); // the endpoint's scheme, not the SDK's https default
        // From X-Amz-Date's whole second: the setting, a second less, or (the SDK's clock-skew correction dating the
        // signature in the previous second, as below) a second more.
        Assert.InRange(ExpiresSeconds(url), 299, 301);
        Assert.Equal($"/{bucket.Options.Bucket}/{_prefix}{key.Path}", url.AbsolutePath);
        using var http = new HttpClient();
        using var response = await http.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task A_link_stops_working_once_its_lifetime_has_passed()
    {
        var (key, _) = await StoreAsync();
        var url = await Links(TimeSpan.FromSeconds(1)).CreateReadLinkAsync(key, Ct);
        Assert.NotNull(url);
        // The setting, or a second more: the SDK dates the signature with its own clock, which its clock-skew
        // correction (learned from the server's whole-second Date headers) can put in the previous second.
        Assert.InRange(ExpiresSeconds(url), 0, 2);

        using var http = new HttpClient();
        string? refusal = null;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await http.GetAsync(url, Ct);
            if (response.StatusCode != HttpStatusCode.Forbidden) return false;
            refusal = await response.Content.ReadAsStringAsync(Ct);
            return true;
        }, "the 1-second link still served the object", TimeSpan.FromSeconds(30), Ct);
        Assert.Contains("Request has expired", refusal, StringComparison.Ordinal);
    }

    /// <summary>The URL's X-Amz-Expires: its lifetime in seconds from its X-Amz-Date.</summary>
    internal static int ExpiresSeconds(Uri url) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(url.Query, "[?&]X-Amz-Expires=([0-9]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private S3PresignedLinks Links(TimeSpan lifetime) =>
        new(bucket.Client!, bucket.Options.Bucket!, _prefix, bucket.Options.ServiceUrl, lifetime, TimeProvider.System);

    private async Task<(BlobKey Key, byte[] Bytes)> StoreAsync()
    {
        if (bucket.Client is null) Assert.Skip(S3BucketFixture.SkipReason);
        var store = new S3BlobStore(bucket.Client, bucket.Options.Bucket!, _prefix, NullLogger<S3BlobStore>.Instance);
        var key = BlobKey.CrateFile("linked", "1.0.0");
        var bytes = Payloads.Random(1000, seed: 7);
        Assert.Equal(BlobPutResult.Stored, await store.PutBytesAsync(key, bytes, BlobPutMode.IfAbsent));
        return (key, bytes);
    }
}
