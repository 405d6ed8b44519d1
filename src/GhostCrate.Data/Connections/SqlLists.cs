using GhostCrate.Core.Options;

namespace GhostCrate.Data.Connections;

/// <summary>
/// "column is one of @list". Dapper expands `IN @list` into one parameter per element on SQLite, but hands Npgsql the
/// list as one array parameter (PostgreSQL has arrays), where the SQL must say `= ANY(@list)`.
/// </summary>
internal static class SqlLists
{
    public static string InList(this IDbConnectionFactory factory, string parameter) =>
        factory.Provider == DatabaseProvider.Postgres ? $"= ANY(@{parameter})" : $"IN @{parameter}";
}
