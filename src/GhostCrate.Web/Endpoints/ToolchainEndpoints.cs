using System.Globalization;
using GhostCrate.Core.Options;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Toolchains;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// The offline mirror's rustup toolchains as a dist server: RUSTUP_DIST_SERVER = {base}{ToolchainMountPath} asks
/// `dist/channel-rust-{channel}.toml` (+ `.sha256`), `dist/{date}/...` and the archives at the paths the upstream
/// manifests name (rustup swaps the official prefix for its dist server); RUSTUP_UPDATE_ROOT = that base + `rustup`
/// asks `release-stable.toml`. Files come from the served generation only, so a channel appears with all its
/// archives or not at all. rustup treats a 404 as "not published" and falls back (v1 manifest, other names), so what
/// is missing is a plain-text 404, never an HTML page or a 401/403 (rustup sends no credentials).
/// </summary>
public static class ToolchainEndpoints
{
    public static IEndpointRouteBuilder MapToolchains(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<MirrorOptions>>().Value;
        if (!options.Enabled) return app;
        var layout = new MirrorLayout(options.Directory!);
        // Files read by rustup, not a JSON API: left out of the OpenAPI document like the other mounts.
        var group = app.MapGroup(options.ToolchainMountPath.TrimEnd('/')).ExcludeFromDescription();
        if (options.ToolchainsRequireToken) group.AddEndpointFilter(CargoAuthentication.RequireReadAccess);
        var cacheScope = options.ToolchainsRequireToken ? "private" : "public";

        group.MapMethods("/{**path}", ReadMethods.GetAndHead, Results<PhysicalFileHttpResult, ContentHttpResult> (string path, HttpContext context) =>
        {
            if (!(path.StartsWith("dist/", StringComparison.Ordinal) || path.StartsWith("rustup/", StringComparison.Ordinal)) || !DistPaths.IsSafeRelative(path))
                return NotFound(path);
            // One resolution of the `current` link per request: a sync switching meanwhile never mixes two states.
            if (layout.CurrentGenerationDir() is not { } generation) return NotFound(path);
            var file = new FileInfo(Path.Combine(generation, DistPaths.Folder, path.Replace('/', Path.DirectorySeparatorChar)));
            if (!file.Exists) return NotFound(path);

            // Channel names (dist/channel-rust-stable.toml) move to new releases; everything in a dated folder is fixed.
            var dated = path.Length > 16 && path[5..].Split('/') is [var date, _] && DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
            context.Response.Headers.CacheControl = dated ? $"{cacheScope}, max-age=31536000, immutable" : $"{cacheScope}, no-cache";
            // Files are only ever replaced by a rename, never written in place: size and write time identify a version.
            var etag = new EntityTagHeaderValue($"\"{file.Length:x}-{file.LastWriteTimeUtc.Ticks:x}\"");
            return TypedResults.PhysicalFile(file.FullName, ContentType(path), lastModified: file.LastWriteTimeUtc, entityTag: etag, enableRangeProcessing: true);
        });
        return app;
    }

    private static ContentHttpResult NotFound(string path) =>
        TypedResults.Text($"`{path}` is not in this toolchain mirror\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

    private static string ContentType(string path) => Path.GetFileName(path) switch
    {
        var n when n.EndsWith(".toml", StringComparison.Ordinal) || n.EndsWith(".sha256", StringComparison.Ordinal) => "text/plain; charset=utf-8",
        var n when n.EndsWith(".asc", StringComparison.Ordinal) => "application/pgp-signature",
        var n when n.EndsWith(".gz", StringComparison.Ordinal) => "application/gzip",
        var n when n.EndsWith(".xz", StringComparison.Ordinal) => "application/x-xz",
        var n when n.EndsWith(".zst", StringComparison.Ordinal) => "application/zstd",
        _ => "application/octet-stream",
    };
}
