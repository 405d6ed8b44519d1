using System.Text.Json;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Core.Options;
using GhostCrate.Protocol.Crates;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Docs.Build;

/// <summary>
/// Queues `docs.build` jobs: one per published version (run from the crate.published event's fan-out), and again on
/// an owner's rebuild. The version's row moves to `queued` by compare-and-set in the transaction that queues the job,
/// and the job's dedup key is the crate and version, so however many nodes run fan-outs and rebuilds, one version has
/// at most one build queued or running. Whether a build is still alive is its job's state, never a clock.
/// </summary>
public sealed class DocsBuildQueue(ICrateRepository crates, IDocsRepository docs, IOptions<DocsOptions> options, TimeProvider time)
{
    public const string JobKind = "docs.build";

    /// <summary>Builds get two attempts: the second only when the node running the first died (a failed build is a result, not an error).</summary>
    public const int MaxAttempts = 2;

    public sealed record Payload(string Crate, string Version, long VersionId);

    public bool Enabled => options.Value.Build.Enabled;

    /// <summary>After crate.published: queue the version's build when the builder is on.</summary>
    public async Task OnEventAsync(RegistryEvent registryEvent, CancellationToken cancellationToken)
    {
        if (!Enabled || registryEvent.Type != RegistryEventTypes.CratePublished) return;
        var data = registryEvent.Data.Deserialize<CratePublishedData>(RegistryEvent.JsonOptions);
        if (data is null) return;
        var crate = await crates.FindAsync(CrateName.Canonicalize(data.Crate), cancellationToken);
        var version = crate is null ? null : await crates.FindVersionAsync(crate.CanonicalName, data.Version, cancellationToken);
        if (crate is null || version is null) return;
        await QueueAsync(crate, version, DocsQueueReason.Publish, cancellationToken);
    }

    /// <summary>Marks the version queued and queues its job; false when its state forbids it (already queued or building; see <see cref="DocsQueueReason"/>).</summary>
    public Task<bool> QueueAsync(CrateRecord crate, VersionRecord version, DocsQueueReason reason, CancellationToken cancellationToken) =>
        QueueAsync(new DocsBuildTarget(version.Id, crate.Name, crate.CanonicalName, version.Version), reason, cancellationToken);

    /// <inheritdoc cref="QueueAsync(CrateRecord, VersionRecord, DocsQueueReason, CancellationToken)"/>
    public Task<bool> QueueAsync(DocsBuildTarget target, DocsQueueReason reason, CancellationToken cancellationToken) =>
        docs.TryQueueBuildAsync(target.VersionId, Job(target), reason, time.GetUtcNow(), cancellationToken);

    /// <summary>The build job of one version; its dedup key keeps it single across nodes.</summary>
    public static NewJob Job(DocsBuildTarget target) =>
        new(JobKind, JsonSerializer.Serialize(new Payload(target.Crate, target.Version, target.VersionId)),
            DedupKey: DedupKey(target.CanonicalName, target.Version), MaxAttempts: MaxAttempts);

    public static string DedupKey(string canonicalName, string version) => $"{JobKind}:{canonicalName}@{version}";
}
