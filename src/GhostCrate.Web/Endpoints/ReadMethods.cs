using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// The methods index routes answer. RFC 9110 §9.3.2: HEAD is GET without the content, and every general-purpose
/// server supports it; monitoring checks and mirroring scripts ask `HEAD /index/...` to see whether a file exists or
/// changed (its ETag). Kestrel leaves out the body of a HEAD answer itself, Content-Length and validators stay.
/// Downloads stay GET-only: a download is counted when it is served.
/// </summary>
internal static class ReadMethods
{
    public static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];
}
