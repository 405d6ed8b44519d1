using GhostCrate.Core.Analytics;
using GhostCrate.Core.Options;
using GhostCrate.Core.Policy;
using GhostCrate.Mirror;
using GhostCrate.Mirror.Storage;
using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Index;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// An offline mirror directory served as a crates.io replacement, so an air-gapped cargo needs only
/// <c>[source.crates-io] replace-with = "mirror"</c> and <c>[source.mirror] registry = "sparse+http://HOST{MountPath}index/"</c>
/// (https://doc.rust-lang.org/cargo/reference/source-replacement.html). Files are read straight from the directory,
/// index files through its `current` link: a sync or import switches that link to a new generation in one rename, so
/// each request sees the old state or the new one, and a listed .crate file is always there.
/// </summary>
public static class MirrorEndpoints
{
    public static IEndpointRouteBuilder MapMirror(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<MirrorOptions>>().Value;
        if (!options.Enabled) return app;
        var layout = new MirrorLayout(options.Directory!);
        var mount = options.MountPath.TrimEnd('/');
        // Files (config.json, index files, .crate files) read by cargo, not a JSON API: left out of the OpenAPI document.
        var group = app.MapGroup(mount).AddEndpointFilter(CargoAuthentication.RequireReadAccess).ExcludeFromDescription();

        // https://doc.rust-lang.org/cargo/reference/registry-index.html#index-configuration: no `api`, a mirror takes no publishes.
        group.MapMethods("/index/config.json", ReadMethods.GetAndHead, (HttpContext context, RegistryUrls urls, IOptions<RegistryOptions> registry) =>
        {
            var baseUrl = urls.BaseUrl(context.Request) + mount;
            IndexFileResponses.SetConfigCacheControl(context, registry.Value);
            return Results.Json(new RegistryConfig(baseUrl + "/crates/{crate}/{version}/download", null, registry.Value.AuthRequired));
        });

        group.MapMethods("/index/{**path}", ReadMethods.GetAndHead, async (string path, HttpContext context, IOptions<RegistryOptions> registry, CancellationToken ct) =>
        {
            if (!IndexPath.TryParse(path, out var name)) return CargoResults.Error(StatusCodes.Status404NotFound, $"`{path}` is not an index file path");
            var file = layout.IndexFile(name);
            byte[] content;
            try
            {
                content = await File.ReadAllBytesAsync(file, ct);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{name}` is not in this mirror");
            }
            // Strong ETag from the content: cargo revalidates every index file on each build (If-None-Match).
            return IndexFileResponses.AnswerMirrored(context, registry.Value, content);
        });

        group.MapGet("/crates/{name}/{version}/download", async (string name, string version, HttpContext context, UsageCounter usage, DownloadPolicy policy, IOptions<RegistryOptions> registry) =>
        {
            string path;
            try
            {
                if (!name.All(CrateName.IsNameChar)) throw new MirrorException("not a crate name");
                path = layout.Full(MirrorLayout.CrateRelativePath(name, version));
            }
            catch (MirrorException)
            {
                return CargoResults.Error(StatusCodes.Status404NotFound, $"`{name}` `{version}` is not a crate in this mirror");
            }
            if (!File.Exists(path)) return CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{name}` has no version `{version}` in this mirror");
            if (await policy.CheckAsync(Core.Advisories.VersionSources.Mirror, name, version, context.RequestAborted) is { } refused)
                return CargoResults.Error(StatusCodes.Status403Forbidden, refused.Detail);
            usage.Record(UsageKinds.MirrorDownload, UsageKinds.MirrorSource); // in memory; the analytics' daily counters
            // A mirrored .crate never changes: cache it for good (only privately behind auth-required). Range requests let clients resume.
            CrateFileResponses.SetCacheControl(context, registry.Value);
            PieceCopySendFile.Use(context);
            Core.Operations.GhostCrateMetrics.Downloaded(Core.Operations.GhostCrateMetrics.SourceMirror, Core.Operations.GhostCrateMetrics.FromDisk);
            return Results.File(path, "application/gzip", enableRangeProcessing: true,
                entityTag: null, lastModified: null);
        });
        return app;
    }
}
