using System.Net;
using Amazon.S3;

namespace GhostCrate.Storage.S3;

/// <summary>Classifies S3 errors that are expected outcomes rather than failures of the store.</summary>
internal static class S3Errors
{
    /// <summary>
    /// The object is missing. A missing bucket also answers 404 but is a misconfiguration, so it stays an error
    /// (HEAD responses have no body and cannot tell the two apart; there we accept any 404).
    /// </summary>
    public static bool IsMissingObject(AmazonS3Exception ex) =>
        ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket";

    /// <summary>If-None-Match: * failed because the object exists.</summary>
    public static bool IsPreconditionFailed(AmazonS3Exception ex) =>
        ex.StatusCode == HttpStatusCode.PreconditionFailed;

    /// <summary>AWS answers 409 ConditionalRequestConflict while another conditional write of the key is in flight; retry.</summary>
    public static bool IsConditionalConflict(AmazonS3Exception ex) =>
        ex.StatusCode == HttpStatusCode.Conflict && ex.ErrorCode == "ConditionalRequestConflict";
}
