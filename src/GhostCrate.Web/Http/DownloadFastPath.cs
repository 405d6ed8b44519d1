using GhostCrate.Core.Crates;
using GhostCrate.Core.Operations;
using GhostCrate.Core.Options;
using GhostCrate.Core.Policy;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Http;

/// <summary>
/// .crate downloads answered before routing and the rest of the pipeline (bench/README.md: small downloads through the
/// full pipeline ran at about a tenth of nginx's rate). From the file-system store: small files from memory
/// (<see cref="SmallFileCache"/>), larger ones as files in large pieces (<see cref="PieceCopySendFile"/>). From a
/// remote store (S3): small files from memory (<see cref="RemoteCrateFileCache"/>), so a busy version costs no request
/// to the store.
/// Like <see cref="SparseIndexFastPath"/>, it answers only what it can answer exactly as the download endpoint of
/// <see cref="Endpoints.CargoApiEndpoints"/> would (same access check, count, headers and conditional requests):
/// a GET of an existing version's file the caller may read and the download policy allows. Everything else — other methods, unusual names, unknown
/// versions, missing files, large files of a remote store, session cookies or missing/refused tokens in auth-required mode, failures
/// before the response started — goes on through the full pipeline.
/// </summary>
public sealed class DownloadFastPath(RequestDelegate next, DownloadService downloads, CrateAccess access, DownloadPolicy policy, SmallFileCache smallFiles, IOptions<RegistryOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) || !TryMatch(context.Request.Path, out var name, out var version))
        {
            await next(context);
            return;
        }

        var settings = options.Value;
        Found? found;
        try
        {
            found = await FindReadableAsync(context, settings, name, version);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception) when (!context.Response.HasStarted)
        {
            found = null; // The pipeline tries again and answers any failure in Cargo's envelope.
        }
        if (found is not { } readable)
        {
            await next(context);
            return;
        }

        Metrics.FastPathRoutes.TagDownload(context);
        try
        {
            if (readable.Remote is { } remote) await WriteAsync(context, settings, remote);
            else await WriteAsync(context, settings, readable.Local!);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(HttpContext context, RegistryOptions settings, LocalCrateFile file)
    {
        if (CrateFileResponses.SetHeadersAndCheck(context, settings, file.ETag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        var bytes = smallFiles.Get(file.Path, file.Length, file.LastModified);
        if (bytes is not null && !HasDateConditionsOrRange(context.Request))
        {
            await WriteBytesAsync(context, bytes, file.LastModifiedHeader);
            return;
        }
        context.Response.ContentLength = file.Length;
        PieceCopySendFile.Use(context);
        GhostCrateMetrics.Downloaded(GhostCrateMetrics.SourcePrivate, bytes is not null ? GhostCrateMetrics.FromMemory : GhostCrateMetrics.FromDisk);
        // The same result types as the endpoint's stream (one helper evaluates If-Modified-Since and friends).
        var result = bytes is not null
            ? Results.Bytes(bytes, CrateFileResponses.ContentType, fileDownloadName: null, lastModified: file.LastModified)
            : Results.File(file.Path, CrateFileResponses.ContentType, fileDownloadName: null, lastModified: file.LastModified);
        await result.ExecuteAsync(context);
    }

    /// <summary>A small file of a remote store (S3), from memory.</summary>
    private static async Task WriteAsync(HttpContext context, RegistryOptions settings, CachedCrateFile file)
    {
        if (CrateFileResponses.SetHeadersAndCheck(context, settings, file.ETag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        if (!HasDateConditionsOrRange(context.Request))
        {
            await WriteBytesAsync(context, file.Content, file.LastModifiedHeader);
            return;
        }
        // As the endpoint does before its result evaluates date conditions and ranges (a 304 then keeps it too).
        context.Response.ContentLength = file.Content.Length;
        GhostCrateMetrics.Downloaded(GhostCrateMetrics.SourcePrivate, GhostCrateMetrics.FromMemory);
        await Results.Bytes(file.Content, CrateFileResponses.ContentType, fileDownloadName: null, lastModified: file.LastModified).ExecuteAsync(context);
    }

    /// <summary>What Results.Bytes would answer to a plain GET, without its per-request header formatting.</summary>
    private static Task WriteBytesAsync(HttpContext context, byte[] bytes, string? lastModifiedHeader)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = CrateFileResponses.ContentType;
        response.ContentLength = bytes.Length;
        if (lastModifiedHeader is not null) response.Headers.LastModified = lastModifiedHeader;
        GhostCrateMetrics.Downloaded(GhostCrateMetrics.SourcePrivate, GhostCrateMetrics.FromMemory);
        return response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    /// <summary>Headers the file results evaluate (RFC 9110 §13.1.3, §13.1.4, §13.1.5, §14.2); If-None-Match was answered above.</summary>
    private static bool HasDateConditionsOrRange(HttpRequest request)
    {
        var headers = request.Headers;
        return headers.IfModifiedSince.Count > 0 || headers.IfUnmodifiedSince.Count > 0 || headers.IfMatch.Count > 0
            || headers.IfRange.Count > 0 || headers.Range.Count > 0;
    }

    /// <summary>
    /// The file when the caller may read it and the download policy lets it through (with no policy on, that answer
    /// costs no lookup): on this machine, or a small one of a remote store from memory. A refused version goes on to
    /// the endpoint, which answers the refusal in Cargo's envelope.
    /// </summary>
    private async ValueTask<Found?> FindReadableAsync(HttpContext context, RegistryOptions settings, string name, string version)
    {
        if (!await FastPathAccess.MayReadAsync(context, settings, access, name)) return null;
        Found? found = await downloads.FindLocalFileAsync(name, version, context.RequestAborted) is { } local
            ? new Found(local, null)
            : await downloads.FindSmallRemoteFileAsync(name, version, context.RequestAborted) is { } remote ? new Found(null, remote) : null;
        if (found is null) return null;
        return await policy.CheckAsync(Core.Advisories.VersionSources.Private, name, version, context.RequestAborted) is null ? found : null;
    }

    /// <summary>One of the two: a file on this machine, or a remote store's small file held in memory.</summary>
    private readonly record struct Found(LocalCrateFile? Local, CachedCrateFile? Remote);

    /// <summary>
    /// `/api/v1/crates/{name}/{version}/download` (literal segments case-insensitive, as routing matches them), with a
    /// name and version made of the characters crate names and semantic versions use; anything else is left to routing.
    /// </summary>
    internal static bool TryMatch(PathString path, out string name, out string version)
    {
        name = version = "";
        if (!path.StartsWithSegments("/api/v1/crates", StringComparison.OrdinalIgnoreCase, out var rest) || rest.Value is not { Length: > 1 } value) return false;
        var span = value.AsSpan(1);
        var first = span.IndexOf('/');
        if (first <= 0) return false;
        var afterName = span[(first + 1)..];
        var second = afterName.IndexOf('/');
        if (second <= 0 || !afterName[(second + 1)..].Equals("download", StringComparison.OrdinalIgnoreCase)) return false;
        var nameSpan = span[..first];
        var versionSpan = afterName[..second];
        foreach (var c in nameSpan)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')) return false;
        }
        foreach (var c in versionSpan)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '+')) return false;
        }
        name = nameSpan.ToString();
        version = versionSpan.ToString();
        return true;
    }
}

/// <summary>Puts <see cref="DownloadFastPath"/> in front of the whole application pipeline, routing included.</summary>
public sealed class DownloadFastPathStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<DownloadFastPath>();
        next(app);
    };
}
