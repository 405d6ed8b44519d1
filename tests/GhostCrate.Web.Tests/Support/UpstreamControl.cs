using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// Put in front of a TestApp that plays the upstream (through an IStartupFilter): counts the requests per path, can
/// drop every connection (an outage: the socket is reset, like a crashed server) and can hold .crate downloads until
/// released (to make concurrent requests overlap).
/// </summary>
public sealed class UpstreamControl : IStartupFilter
{
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private volatile TaskCompletionSource? _downloadGate;

    public bool Down { get; set; }

    public int Requests(string path) => _requests.GetValueOrDefault(path);

    public int TotalRequests => _requests.Values.Sum();

    public int DownloadsOf(string crate, string version) => Requests($"/api/v1/crates/{crate}/{version}/download");

    public void HoldDownloads() => _downloadGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseDownloads() => _downloadGate?.TrySetResult();

    /// <summary>First of all startup filters, so it sees every request, even those the host's own fast paths answer.</summary>
    public static Action<IServiceCollection> Install(UpstreamControl control) => services => services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter>(control));

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            var path = context.Request.Path.Value ?? "";
            _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (Down)
            {
                context.Abort();
                return;
            }
            if (path.EndsWith("/download", StringComparison.Ordinal) && _downloadGate is { } gate) await gate.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await following(context);
        });
        next(app);
    };
}
