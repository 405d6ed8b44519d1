namespace GhostCrate.Core.Abstractions;

/// <summary>Port for the schema and the database's health, independent of the provider.</summary>
public interface IDatabase
{
    /// <summary>Applies every pending migration; returns how many were applied. Safe to run concurrently from two nodes.</summary>
    Task<int> MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Applied and known migration counts; the server refuses to start when applied &lt; known and auto-migrate is off.</summary>
    Task<SchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken);

    /// <summary>Throws when the database cannot be reached.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}

public sealed record SchemaStatus(int Applied, int Known)
{
    public bool UpToDate => Applied >= Known;
}
