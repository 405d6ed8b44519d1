using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Storage;

namespace GhostCrate.Core.Operations;

/// <summary>The database answers and its schema is current.</summary>
public sealed class DatabaseProbe(IDatabase database) : IDependencyProbe
{
    public string Name => "Database";

    public bool Required => true;

    public async Task<ProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        await database.CheckHealthAsync(cancellationToken);
        var schema = await database.GetSchemaStatusAsync(cancellationToken);
        return schema.UpToDate
            ? ProbeResult.Ok($"reachable, schema current ({schema.Applied} migrations)")
            : ProbeResult.Failed($"reachable, but {schema.Known - schema.Applied} migration(s) are not applied; run `ghostcrate migrate`");
    }
}

/// <summary>The blob store (file system or S3) answers.</summary>
public sealed class BlobStoreProbe(IBlobStore blobs) : IDependencyProbe
{
    public string Name => "Crate storage";

    public bool Required => true;

    public async Task<ProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        await blobs.CheckHealthAsync(cancellationToken);
        return ProbeResult.Ok();
    }
}
