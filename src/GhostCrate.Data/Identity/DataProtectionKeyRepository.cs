using Dapper;
using GhostCrate.Core.Identity;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Identity;

/// <summary>The data_protection_keys table (0012), the same SQL on both databases.</summary>
internal sealed class DataProtectionKeyRepository(IDbConnectionFactory factory) : IDataProtectionKeyStore
{
    // A key ring element is about 1 KiB of XML; anything far larger is not one, and must not fill the table.
    internal const int MaxXmlLength = 64 * 1024;
    internal const int MaxNameLength = 200;

    public Task<IReadOnlyList<string>> GetAllAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<string>>(async connection => (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT xml FROM data_protection_keys ORDER BY created_at, friendly_name",
            cancellationToken: cancellationToken))).AsList(), cancellationToken);

    public Task<bool> AddAsync(string friendlyName, string xml, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(friendlyName);
        ArgumentException.ThrowIfNullOrEmpty(xml);
        if (friendlyName.Length > MaxNameLength) throw new ArgumentException($"a key name is at most {MaxNameLength} characters", nameof(friendlyName));
        if (xml.Length > MaxXmlLength) throw new ArgumentException($"a key ring element is at most {MaxXmlLength} characters", nameof(xml));
        // Two nodes may import the same legacy key folder at once: the first insert wins, the other changes nothing.
        return factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@friendlyName, @xml, @createdAt)
            ON CONFLICT (friendly_name) DO NOTHING
            """, new { friendlyName, xml, createdAt = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) == 1, cancellationToken);
    }
}
