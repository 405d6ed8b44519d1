using System.Text.Json;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using GhostCrate.Protocol.Crates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Docs.Build;

/// <summary>
/// Runs `docs.build` jobs on nodes with Docs:Build:Enabled (registered only there, so other nodes leave the jobs
/// alone). The version's row goes queued → building → built or failed; a version that is no longer queued (built
/// by another job meanwhile) is skipped. At most Docs:Build:Concurrency builds run at once on this node; the job's
/// lease is renewed by the runner while a build waits or runs.
/// </summary>
public sealed class DocsBuildHandler(
    ICrateRepository crates,
    IDocsRepository docs,
    DocsBuilder builder,
    IOptions<DocsOptions> options,
    TimeProvider time,
    ILogger<DocsBuildHandler> logger) : IJobHandler, IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.Build.Concurrency);
    private readonly Lock _clearing = new();
    private bool _scratchCleared;

    public string Kind => DocsBuildQueue.JobKind;

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<DocsBuildQueue.Payload>(job.Payload);
        if (payload is null) return JobOutcome.GiveUp("the payload is not a docs build");
        await _slots.WaitAsync(cancellationToken);
        try
        {
            ClearScratchOnce();
            var crate = await crates.FindAsync(CrateName.Canonicalize(payload.Crate), cancellationToken);
            var version = crate is null ? null : await crates.FindVersionAsync(crate.CanonicalName, payload.Version, cancellationToken);
            if (crate is null || version is null || version.Id != payload.VersionId) return JobOutcome.Succeeded; // deleted meanwhile
            // The ticket orders this build after everything the row saw before it was queued: docs uploaded later are kept.
            if (await docs.TryStartBuildAsync(version.Id, options.Value.Build.Toolchain, time.GetUtcNow(), cancellationToken) is not { } ticket) return JobOutcome.Succeeded;

            DocsBuildResult result;
            try
            {
                result = await builder.BuildAsync(crate, version, ticket, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && job.Attempts >= job.MaxAttempts)
            {
                // The last attempt: the failure is the build's result, so the version does not stay "building".
                await FinishAsync(crate.Name, version, ticket, DocsBuildStatus.Failed, $"the builder failed: {ex.GetType().Name}: {ex.Message}");
                throw;
            }
            var applied = await FinishAsync(crate.Name, version, ticket, result.Built ? DocsBuildStatus.Built : DocsBuildStatus.Failed, result.Log);
            if (applied && !result.Built) logger.LogInformation("Docs build of {Crate} {Version} failed (log on its status)", crate.Name, version.Version);
            return JobOutcome.Succeeded;
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// Records the result only if the version's row is still at this build's ticket. A build whose lease ran out (slow,
    /// not dead) may finish after another node queued or started a newer one; its result is dropped, not written over
    /// the newer build's state.
    /// </summary>
    private async Task<bool> FinishAsync(string crate, VersionRecord version, long ticket, DocsBuildStatus status, string log)
    {
        if (await docs.FinishBuildAsync(version.Id, ticket, status, log, time.GetUtcNow(), CancellationToken.None)) return true;
        logger.LogWarning("Docs build of {Crate} {Version} (ticket {Ticket}) finished after a newer build was queued; its result ({Status}) is dropped",
            crate, version.Version, ticket, status);
        return false;
    }

    /// <summary>Build directories left by a process that died mid-build are removed before this node's first build.</summary>
    private void ClearScratchOnce()
    {
        // Other builds of this process wait here until the clearing is done, so none of theirs is removed.
        lock (_clearing)
        {
            if (_scratchCleared) return;
            var scratch = options.Value.Build.ScratchDir!;
            Directory.CreateDirectory(scratch);
            foreach (var leftover in Directory.EnumerateDirectories(scratch))
            {
                try { Directory.Delete(leftover, recursive: true); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { logger.LogWarning(ex, "Could not delete {Directory}", leftover); }
            }
            _scratchCleared = true;
        }
    }

    public void Dispose() => _slots.Dispose();
}
