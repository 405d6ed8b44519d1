using Dapper;
using GhostCrate.Core.Identity;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Identity;

/// <summary>The access_epoch row (0012), moved by triggers on the tables access decisions rest on.</summary>
internal sealed class AccessEpochRepository(IDbConnectionFactory factory) : IAccessEpoch
{
    public Task<long> ReadAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync(connection => connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT value FROM access_epoch WHERE id = 1", cancellationToken: cancellationToken)), cancellationToken);
}
