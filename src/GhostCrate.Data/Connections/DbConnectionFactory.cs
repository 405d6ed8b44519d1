using GhostCrate.Core.Options;

namespace GhostCrate.Data.Connections;

internal static class DbConnectionFactory
{
    /// <summary>The one switch between the providers.</summary>
    public static IDbConnectionFactory Create(DatabaseOptions options)
    {
        var connectionString = Validate(options);
        return options.Provider switch
        {
            DatabaseProvider.Sqlite => new SqliteConnectionFactory(connectionString),
            DatabaseProvider.Postgres => new PostgresConnectionFactory(connectionString),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown database provider."),
        };
    }

    /// <summary>Throws when the options cannot work; returns the connection string.</summary>
    public static string Validate(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Provider))
            throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown database provider.");
        // The host fills in the SQLite default ({DataDir}/ghostcrate.db); the data layer does not know the data directory.
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new ArgumentException($"Database:ConnectionString is required for the {options.Provider} provider.", nameof(options));
        return options.ConnectionString;
    }
}
