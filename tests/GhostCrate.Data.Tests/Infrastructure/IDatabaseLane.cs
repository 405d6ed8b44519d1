using GhostCrate.Core.Options;

namespace GhostCrate.Data.Tests.Infrastructure;

/// <summary>A database provider the shared repository tests run against.</summary>
public interface IDatabaseLane
{
    DatabaseProvider Provider { get; }

    /// <summary>A brand-new empty database (migrated unless told otherwise), removed when the result is disposed.</summary>
    Task<TestDatabase> CreateAsync(bool migrate, CancellationToken cancellationToken);
}
