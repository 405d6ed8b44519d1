using Dapper;
using GhostCrate.Core.Options;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Tests.Infrastructure;

/// <summary>One throwaway database and the ports over it.</summary>
public sealed class TestDatabase(DatabaseOptions options, Func<ValueTask> drop) : IAsyncDisposable
{
    private readonly List<GhostCrateDatabase> _opened = [];

    public DatabaseOptions Options { get; } = options;

    public GhostCrateDatabase Ports => _opened.Count > 0 ? _opened[0] : Open();

    /// <summary>Another independent instance (own pool, own writer gate), like a second server process.</summary>
    public GhostCrateDatabase Open()
    {
        var database = GhostCrateDatabase.Create(Options);
        _opened.Add(database);
        return database;
    }

    /// <summary>Counts rows of a table directly, for "nothing was written" assertions the ports cannot express.</summary>
    public async Task<long> CountRowsAsync(string table, CancellationToken cancellationToken)
    {
        await using var factory = DbConnectionFactory.Create(Options);
        await using var connection = await factory.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM {table}", cancellationToken: cancellationToken));
    }

    /// <summary>Runs a statement directly (e.g. to make a database look like one from before a migration).</summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var factory = DbConnectionFactory.Create(Options);
        await using var connection = await factory.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: cancellationToken));
    }

    /// <summary>Reads one value directly (e.g. what another session is waiting for).</summary>
    public async Task<T?> ExecuteScalarAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var factory = DbConnectionFactory.Create(Options);
        await using var connection = await factory.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, cancellationToken: cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _opened) await database.DisposeAsync();
        await drop();
    }
}
