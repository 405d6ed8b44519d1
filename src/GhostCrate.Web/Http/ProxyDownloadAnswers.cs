using GhostCrate.Core.Operations;
using GhostCrate.Core.Options;
using GhostCrate.Core.Proxy;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Http;

/// <summary>
/// A proxy mount's answer to a <see cref="ProxyDownloadService.OpenAsync"/> result, in one place for the mount's download
/// endpoint (<see cref="Endpoints.ProxyEndpoints"/>) and the download fast path's misses (<see cref="DownloadFastPath"/>):
/// the verified .crate with the download headers, or Cargo's envelope saying why not.
/// </summary>
public static class ProxyDownloadAnswers
{
    public static IResult Of(HttpContext context, RegistryOptions options, ProxyDownload download)
    {
        switch (download.Status)
        {
            case ProxyDownloadStatus.NotFound:
                return CargoResults.Error(StatusCodes.Status404NotFound, download.Error!);
            case ProxyDownloadStatus.ChecksumMismatch or ProxyDownloadStatus.Unavailable:
                return CargoResults.Error(StatusCodes.Status502BadGateway, download.Error!);
        }
        var content = download.Content!;
        CrateFileResponses.SetCacheControl(context, options);
        context.Response.ContentLength = content.Length;
        GhostCrateMetrics.Downloaded(GhostCrateMetrics.SourceProxy, GhostCrateMetrics.FromStorage);
        return Results.Stream(content.Stream, "application/gzip", fileDownloadName: null, lastModified: content.LastModified);
    }
}
