using System.Text;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Mirror.Toolchains;
using GhostCrate.Mirror.Toolchains.Custom;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Custom toolchains (docs/toolchains.md#custom-toolchains): administrators upload an internal build's component
/// archives (multipart, one `file` part per `.tar.gz`), list and delete them, with problem details on errors; the
/// stored build is served to `ghostcrate toolchain install` (and anything that reads dist servers) under
/// `{ToolchainMountPath}custom/{name}/dist/`, readable like the mirrored toolchains (rustup sends no credentials).
/// Storage, checks and audit are Mirror/Toolchains/Custom's.
/// </summary>
public static class CustomToolchainEndpoints
{
    /// <summary>Multipart framing (boundaries, part headers, the `host` and `version` fields) on top of the archives.</summary>
    private const long FormSlack = 1024 * 1024;

    public static IEndpointRouteBuilder MapCustomToolchains(this IEndpointRouteBuilder app)
    {
        var mirror = app.ServiceProvider.GetRequiredService<IOptions<MirrorOptions>>().Value;
        var admin = app.MapGroup("/api/v1/admin/toolchains/custom").WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession);

        admin.MapGet("", (HttpContext context, CustomToolchains toolchains, RegistryUrls urls) => ApiReplies.WithCaller(context, async Task<Results<Ok<List<CustomToolchainDto>>, ProblemHttpResult>> (p) =>
        {
            if (Guards.RequireAdmin(p) is { } denied) return ApiResults.Problem(denied);
            var dist = DistServer(urls, context.Request, mirror);
            return TypedResults.Ok((await toolchains.ListAsync(context.RequestAborted)).Select(r => CustomToolchainDto.Of(r, dist)).ToList());
        })).Operation("listCustomToolchains", "The custom toolchains this server serves, with the command that installs each (administrators)")
            .Problems(401, 403);

        admin.MapPut("/{name}", (string name, HttpContext context, CustomToolchains toolchains, RegistryUrls urls) => ApiReplies.WithCaller(context, async Task<Results<Ok<CustomToolchainDto>, ProblemHttpResult>> (p) =>
        {
            // Refused before a byte of the body is read: a non-administrator's gigabytes are never buffered.
            if ((Guards.RequireAdmin(p) ?? Guards.RequireWriter(p)) is { } denied) return ApiResults.Problem(denied);
            if (CustomToolchainName.Check(name) is { } badName) return ApiResults.Problem(StatusCodes.Status400BadRequest, badName);
            var limit = mirror.CustomToolchainMaxUploadBytes + FormSlack;
            if (context.Request.ContentLength > limit) return TooLarge(mirror);
            if (!context.Request.HasFormContentType)
                return ApiResults.Problem(StatusCodes.Status400BadRequest, "send multipart/form-data: a `host` field (the target triple) and one `file` part per component .tar.gz (`curl -F host=... -F file=@rustc-...tar.gz`)");
            RequestBodyLimit.Set(context, limit);
            IFormCollection form;
            try
            {
                // Parts are buffered to temporary files by ASP.NET, not memory; each is bounded by the archive limit.
                form = await new FormFeature(context.Request, new FormOptions
                {
                    MultipartBodyLengthLimit = mirror.CustomToolchainMaxArchiveBytes + FormSlack,
                    ValueCountLimit = 100,
                    ValueLengthLimit = 4096,
                }).ReadFormAsync(context.RequestAborted);
            }
            catch (InvalidDataException ex) when (ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
            {
                return TooLarge(mirror);
            }
            catch (InvalidDataException ex)
            {
                return ApiResults.Problem(StatusCodes.Status400BadRequest, $"the multipart body is not readable: {ex.Message}");
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TooLarge(mirror);
            }
            var files = form.Files.Select(f => new CustomUploadFile(f.FileName, f.Length, f.OpenReadStream)).ToList();
            var result = await toolchains.UploadAsync(p, name, form["host"].FirstOrDefault(), form["version"].FirstOrDefault(), files, context.RequestAborted);
            return ApiReplies.Reply(result, r => CustomToolchainDto.Of(r, DistServer(urls, context.Request, mirror)));
        })).Operation("uploadCustomToolchain", "Upload an internal toolchain build under a custom name, replacing an earlier upload of it (administrators)",
                "multipart/form-data: `host` (the triple the toolchain runs on), optional `version` (else the archives' `version` file), and one " +
                "`file` part per rust-installer component `.tar.gz` as `x.py dist` writes them (rustc for the host is required). Each archive is " +
                "checked like an uploaded crate (no links, devices, absolute or `..` paths; a whole gzip stream; Mirror:CustomToolchainMaxArchiveBytes, " +
                "Mirror:CustomToolchainMaxUploadBytes) and must be in rust-installer format 3. The server writes a v2 channel manifest with the " +
                "stored archives' SHA-256, its `.sha256`, and an `.asc` with Mirror:ExportKeyFile when set. A refused upload stores nothing and " +
                "leaves the previous one serving. In the audit log as toolchain.custom_uploaded.")
            .BinaryBody("multipart/form-data")
            .Problems(400, 401, 403, 413, 422);

        admin.MapDelete("/{name}", (string name, HttpContext context, CustomToolchains toolchains, RegistryUrls urls) => ApiReplies.WithCaller(context, async p =>
            ApiReplies.Reply(await toolchains.DeleteAsync(p, name, context.RequestAborted), r => CustomToolchainDto.Of(r, DistServer(urls, context.Request, mirror)))))
            .Operation("deleteCustomToolchain", "Stop serving a custom toolchain and delete its archives (administrators)",
                "Users who installed it keep their copy. In the audit log as toolchain.custom_deleted.")
            .Problems(401, 403, 404);

        MapServing(app, mirror);
        return app;
    }

    /// <summary>
    /// A custom toolchain's dist root, `{mount}custom/{name}/`: the manifest (with `.sha256`, `.asc`) as
    /// `dist/channel-rust-{name}.toml`, and the archives it names at `dist/{upload}/{file}`, only those of the current
    /// release. What is missing is a plain-text 404, as on the mirror's own dist root.
    /// </summary>
    private static void MapServing(IEndpointRouteBuilder app, MirrorOptions mirror)
    {
        var group = app.MapGroup(mirror.ToolchainMountPath.TrimEnd('/') + "/custom/{name}").ExcludeFromDescription();
        if (mirror.ToolchainsRequireToken) group.AddEndpointFilter(CargoAuthentication.RequireReadAccess);
        var cacheScope = mirror.ToolchainsRequireToken ? "private" : "public";

        group.MapMethods("/dist/{**path}", ReadMethods.GetAndHead, async Task<Results<FileContentHttpResult, FileStreamHttpResult, ContentHttpResult>> (string name, string path, HttpContext context, CustomToolchains toolchains) =>
        {
            if (!DistPaths.IsSafeRelative(path) || await toolchains.GetAsync(name, context.RequestAborted) is not { } release) return NotFound(name, path);
            var manifest = DistPaths.ManifestName(name);
            if (path == manifest || path == manifest + ".sha256" || path == manifest + ".asc")
            {
                context.Response.Headers.CacheControl = $"{cacheScope}, no-cache";
                var etag = new EntityTagHeaderValue($"\"{release.ManifestSha256[..32]}{Path.GetExtension(path)}\"");
                byte[]? body = path == manifest ? Encoding.UTF8.GetBytes(release.Manifest)
                    : path.EndsWith(".sha256", StringComparison.Ordinal) ? Sha256File.Render(release.ManifestSha256, manifest)
                    : release.Signature is { } signature ? Encoding.ASCII.GetBytes(signature) : null;
                if (body is null) return NotFound(name, path);
                var type = path.EndsWith(".asc", StringComparison.Ordinal) ? "application/pgp-signature" : "text/plain; charset=utf-8";
                return TypedResults.Bytes(body, type, entityTag: etag, lastModified: release.UploadedAt);
            }
            if (await toolchains.OpenArchiveAsync(release, "dist/" + path, context.RequestAborted) is not { } archive) return NotFound(name, path);
            // A path names one upload's archive: its bytes never change.
            context.Response.Headers.CacheControl = $"{cacheScope}, max-age=31536000, immutable";
            return TypedResults.Stream(archive.Content.Stream, "application/gzip", lastModified: release.UploadedAt,
                entityTag: new EntityTagHeaderValue($"\"{archive.Package.Sha256}\""), enableRangeProcessing: archive.Content.Stream.CanSeek);
        });
    }

    private static ContentHttpResult NotFound(string name, string path) =>
        TypedResults.Text($"`dist/{path}` is not part of the custom toolchain `{name}` on this server\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult TooLarge(MirrorOptions mirror) =>
        ApiResults.Problem(StatusCodes.Status413PayloadTooLarge,
            $"the upload is larger than this server accepts: at most {mirror.CustomToolchainMaxArchiveBytes} bytes per archive (Mirror:CustomToolchainMaxArchiveBytes) and {mirror.CustomToolchainMaxUploadBytes} in all (Mirror:CustomToolchainMaxUploadBytes)");

    /// <summary>What `ghostcrate toolchain install --dist-server` takes: the toolchain mount, as RUSTUP_DIST_SERVER.</summary>
    internal static string DistServer(RegistryUrls urls, HttpRequest request, MirrorOptions mirror) =>
        urls.BaseUrl(request) + "/" + mirror.ToolchainMountPath.Trim('/');
}
