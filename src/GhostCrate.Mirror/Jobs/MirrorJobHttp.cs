using GhostCrate.Core.MirrorJobs;
using GhostCrate.Core.Jobs;
using GhostCrate.Mirror.Sync;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Mirror.Jobs;

/// <summary>
/// The HTTP client of server-run mirror jobs: the mirror's settings (<see cref="MirrorHttp"/>) with the host's
/// connect-time guard. The engine asks its factory for <see cref="MirrorHttp.ClientName"/>; this factory answers every
/// name with the guarded client, so the same engine code runs guarded in the server and unguarded in the CLI.
/// </summary>
public sealed class MirrorJobHttp(IHttpClientFactory factory) : IHttpClientFactory
{
    public const string ClientName = "ghostcrate-mirror-jobs";

    public HttpClient CreateClient(string name) => factory.CreateClient(ClientName);
}

public static class MirrorJobServices
{
    /// <summary>
    /// Mirror operations as jobs on the queue: the handler, the prerequisite checks and their guarded client.
    /// <paramref name="connect"/> is the SSRF guard's ConnectCallback (required: a server-run sync is told where to go
    /// by a file or a request, and must not be steered at internal addresses).
    /// </summary>
    public static IServiceCollection AddMirrorJobs(this IServiceCollection services,
        Func<IServiceProvider, Func<System.Net.Http.SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>> connect)
    {
        MirrorHttp.AddMirrorClient(services, MirrorJobHttp.ClientName, connect);
        services.AddSingleton<MirrorJobHttp>();
        services.AddSingleton<IMirrorPrerequisites, MirrorPrerequisites>();
        services.AddSingleton<MirrorJobService>();
        services.AddJobHandler<MirrorJobHandler>();
        return services;
    }
}
