using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace GhostCrate.Testing;

/// <summary>A plain static file server on 127.0.0.1 (ASP.NET's static files: 404s, Range, ETag) standing in for static.rust-lang.org.</summary>
public sealed class StaticDistServer : IAsyncDisposable
{
    private readonly LoopbackServer _server;

    private StaticDistServer(LoopbackServer server) => _server = server;

    public Uri BaseAddress => _server.BaseAddress;

    public static async Task<StaticDistServer> StartAsync(string root) =>
        new(await LoopbackServer.StartAsync(app => app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(root),
            ServeUnknownFileTypes = true,
            DefaultContentType = "application/octet-stream",
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
        })));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
