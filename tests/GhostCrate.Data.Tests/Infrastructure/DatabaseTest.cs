using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Data.Tests.Infrastructure;

/// <summary>
/// Base of the shared repository tests: every test gets its own empty, migrated database on the lane of the concrete
/// class (SQLite or PostgreSQL), so no test sees another's rows.
/// </summary>
public abstract class DatabaseTest(IDatabaseLane lane) : IAsyncLifetime
{
    /// <summary>Millisecond precision: that is what the database stores.</summary>
    protected static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private TestDatabase? _db;

    protected IDatabaseLane Lane { get; } = lane;
    protected TestDatabase Db => _db ?? throw new InvalidOperationException("Not initialised.");
    protected IDatabase Database => Db.Ports.Database;
    protected ICrateRepository Crates => Db.Ports.Crates;
    protected IOwnerRepository Owners => Db.Ports.Owners;
    protected IUserRepository Users => Db.Ports.Users;
    protected ITokenRepository Tokens => Db.Ports.Tokens;
    protected Core.Catalog.ICrateCatalog Catalog => Db.Ports.Catalog;
    protected Core.Downloads.IDownloadStatsRepository DownloadStats => Db.Ports.DownloadStats;
    protected Core.Index.IIndexFileStore IndexFiles => Db.Ports.IndexFiles;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Whether the database is migrated before the test (the migration tests start from nothing).</summary>
    protected virtual bool Migrate => true;

    public async ValueTask InitializeAsync() => _db = await Lane.CreateAsync(Migrate, Ct);

    public async ValueTask DisposeAsync()
    {
        if (_db is not null) await _db.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected async Task<UserRecord> CreateUserAsync(string username) =>
        await Users.CreateAsync(username, passwordHash: null, isAdmin: false, T0, Ct)
        ?? throw new InvalidOperationException($"user {username} exists");

    /// <summary>What Core would hand the repository for a publish (canonical name and key computed the same way).</summary>
    protected static NewCrateVersion NewVersion(
        string name,
        string version,
        long publisherId,
        DateTimeOffset? publishedAt = null,
        string? description = null,
        string? searchText = null,
        IReadOnlyList<NewDependency>? dependencies = null) =>
        new(
            Name: name,
            CanonicalName: name.ToLowerInvariant().Replace('_', '-'),
            Version: version,
            VersionKey: SemVersion.Parse(version).Key,
            Checksum: new string('a', 64),
            Size: 1234,
            PublisherId: publisherId,
            PublishedAt: publishedAt ?? T0,
            IndexJson: $$"""{"name":"{{name}}","vers":"{{version}}"}""",
            MetadataJson: $$"""{"name":"{{name}}","vers":"{{version}}"}""",
            Description: description ?? $"{name} {version}",
            License: "MIT",
            Readme: "# readme",
            SearchText: searchText ?? $"{name} {description}".ToLowerInvariant(),
            Dependencies: dependencies ?? []);

    protected static Func<CancellationToken, Task> NoBlob => _ => Task.CompletedTask;

    protected Task<PublishWriteResult> PublishAsync(NewCrateVersion version) => Crates.PublishAsync(version, NoBlob, Ct);
}
