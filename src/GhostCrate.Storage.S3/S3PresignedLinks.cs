using Amazon.S3;
using Amazon.S3.Model;
using GhostCrate.Core.Storage;
// Not `Protocol`: inside GhostCrate.* that name is the GhostCrate.Protocol namespace.
using S3Protocol = Amazon.S3.Protocol;

namespace GhostCrate.Storage.S3;

/// <summary>
/// Presigned GET URLs (SigV4 query authentication,
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html) for Storage:S3:PresignedDownloads.
/// Signing is local (no request to S3), so a link costs no round trip. The URL names the endpoint this server uses
/// (Storage:S3:ServiceUrl or AWS's), so clients must reach S3 at that address.
/// </summary>
public sealed class S3PresignedLinks(IAmazonS3 client, string bucket, string prefix, string? serviceUrl, TimeSpan lifetime, TimeProvider time) : IBlobLinks
{
    private readonly S3ObjectKeys _keys = new(prefix);

    // The SDK signs for https unless told otherwise, whatever the client's ServiceURL says; an http endpoint (a local
    // S3-compatible server) must get http links or the client would knock on a port that speaks no TLS.
    private readonly S3Protocol _protocol = serviceUrl is { Length: > 0 } url && url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        ? S3Protocol.HTTP
        : S3Protocol.HTTPS;

    public async ValueTask<Uri?> CreateReadLinkAsync(BlobKey key, CancellationToken cancellationToken)
    {
        // The SDK counts X-Amz-Expires from X-Amz-Date, a whole second, and rounds: counting from our whole second keeps
        // the URL's life at the setting. Its clock-skew correction (from the server's whole-second Date headers) can date
        // the signature in the previous second, and then the link lives one second longer (a CI run saw 2 s for 1 s).
        var now = time.GetUtcNow();
        var signedAt = now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerSecond));
        var url = await client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = _keys.ToObjectKey(key.Path),
            Verb = HttpVerb.GET,
            Protocol = _protocol,
            Expires = (signedAt + lifetime).UtcDateTime,
        });
        return new Uri(url, UriKind.Absolute);
    }
}
