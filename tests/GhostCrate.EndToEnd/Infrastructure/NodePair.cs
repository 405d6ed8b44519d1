using Npgsql;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>
/// Two real nodes (separate processes) on one PostgreSQL database and one S3 bucket: node A with its own database and
/// bucket, node B started on A's database, bucket and admin token. Only the postgres-s3 lane has several nodes.
/// </summary>
public static class NodePair
{
    /// <summary>Why two nodes cannot run in this lane, or null.</summary>
    public static string? SkipReason =>
        Lane.Current.UnavailableReason
        ?? (Lane.Current.Kind != BackendKind.PostgresS3 ? "several nodes share a database on the postgres-s3 lane only (SQLite is one process)" : null);

    /// <summary>Starts both nodes with <paramref name="extra"/> settings on top of the shared database and bucket.</summary>
    public static async Task<(GhostCrateServer A, GhostCrateServer B)> StartAsync(IReadOnlyDictionary<string, string> extra, CancellationToken cancellationToken = default)
    {
        // Rate limits are per node and would refuse the tests' many publishes of one token.
        var a = await GhostCrateServer.StartAsync(new ServerOptions { Settings = new Dictionary<string, string>(extra) { ["GHOSTCRATE_RateLimits__Enabled"] = "false" } }, cancellationToken);
        try
        {
            var shared = new NpgsqlConnectionStringBuilder(Postgres.Normalize(Lane.Current.PostgresConnectionString!)) { Database = a.DatabaseName };
            var b = await GhostCrateServer.StartAsync(new ServerOptions
            {
                Settings = new Dictionary<string, string>(extra)
                {
                    ["GHOSTCRATE_Database__ConnectionString"] = shared.ConnectionString,
                    ["GHOSTCRATE_Storage__S3__Bucket"] = a.Bucket!,
                    ["GHOSTCRATE_ADMIN_TOKEN"] = a.AdminToken,
                    ["GHOSTCRATE_RateLimits__Enabled"] = "false",
                },
            }, cancellationToken);
            return (a, b);
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }
    }
}
