using GhostCrate.Core.Changes;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Index;
using Microsoft.Extensions.Hosting;

namespace GhostCrate.Web.Changes;

/// <summary>
/// Runs this node's one change feed (Core/Changes) while the server runs, and so owns its connection: on PostgreSQL
/// one LISTEN connection for every topic. Subscribes the per-node memories that follow the database: the index files
/// (<see cref="IndexChangeFollower"/>: files other nodes changed leave memory without waiting for a request) and access
/// decisions (<see cref="AccessCache"/>: a token revoked on another node is refused here within milliseconds), and the
/// download policy (<see cref="Core.Policy.DownloadPolicy"/>: an allow-list, organization policy or advisory change on
/// another node applies here at once), and the branding set from the admin UI
/// (<see cref="Core.Branding.BrandingService"/>: a change on another node shows on the next page here), and the custom
/// toolchains' release records (<see cref="Mirror.Toolchains.Custom.CustomToolchains"/>: an upload on another node is
/// served here within milliseconds). The job
/// worker subscribes to <see cref="ChangeTopics.Jobs"/> itself (Web/Jobs/JobWorker.cs).
/// </summary>
public sealed class ChangeFeedService(
    IChangeFeed feed, IndexChangeFollower index, AccessCache access, Core.Policy.DownloadPolicy policy, Core.Branding.BrandingService branding,
    Mirror.Toolchains.Custom.CustomToolchains customToolchains) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var indexSubscription = feed.Subscribe(ChangeTopics.Index, index.CatchUpAsync);
        using var accessSubscription = feed.Subscribe(ChangeTopics.Access, access.CatchUpAsync);
        using var policySubscription = feed.Subscribe(ChangeTopics.Policy, policy.CatchUpAsync);
        using var brandingSubscription = feed.Subscribe(ChangeTopics.Branding, branding.CatchUpAsync);
        using var toolchainsSubscription = feed.Subscribe(ChangeTopics.Toolchains, customToolchains.CatchUpAsync);
        await feed.RunAsync(stoppingToken);
    }
}
