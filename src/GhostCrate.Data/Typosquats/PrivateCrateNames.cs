using Dapper;
using GhostCrate.Core.Typosquats;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Typosquats;

internal sealed class PrivateCrateNames(IDbConnectionFactory factory) : IPrivateCrateNames
{
    // Keeps each statement's parameter list well below SQLite's and PostgreSQL's limits.
    private const int Chunk = 500;

    public Task<IReadOnlyDictionary<string, string>> ExistingAsync(IReadOnlyCollection<string> canonicalNames, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyDictionary<string, string>>(async connection =>
        {
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var chunk in canonicalNames.Chunk(Chunk))
            {
                var rows = await connection.QueryAsync<(string Canonical, string Name)>(new CommandDefinition(
                    $"SELECT canonical_name, name FROM crates WHERE canonical_name {factory.InList("names")}",
                    new { names = chunk }, cancellationToken: cancellationToken));
                foreach (var (canonical, name) in rows) found[canonical] = name;
            }
            return found;
        }, cancellationToken);
}
