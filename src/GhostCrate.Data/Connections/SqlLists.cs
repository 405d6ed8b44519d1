using GhostCrate.Core.Options;

namespace GhostCrate.Data.Connections;

/// <summary>
/// Lists passed as parameters, where SQLite and PostgreSQL need different SQL. "column is one of @list": Dapper expands
/// `IN @list` into one parameter per element on SQLite, but hands Npgsql the list as one array parameter (PostgreSQL
/// has arrays), where the SQL must say `= ANY(@list)`.
/// </summary>
internal static class SqlLists
{
    public static string InList(this IDbConnectionFactory factory, string parameter) =>
        factory.Provider == DatabaseProvider.Postgres ? $"= ANY(@{parameter})" : $"IN @{parameter}";

    /// <summary>
    /// A JSON array of objects, passed as one text parameter, as a table to select from (a whole batch in one statement
    /// instead of one statement per row): SQLite reads it with json_each, PostgreSQL with json_to_recordset.
    /// </summary>
    /// <param name="columns">Member names and their PostgreSQL types, e.g. ("day", "integer").</param>
    public static string JsonRows(this IDbConnectionFactory factory, string parameter, params (string Name, string PostgresType)[] columns) =>
        factory.Provider == DatabaseProvider.Postgres
            ? $"(SELECT * FROM json_to_recordset(CAST(@{parameter} AS json)) AS r({string.Join(", ", columns.Select(c => $"{c.Name} {c.PostgresType}"))}))"
            : $"(SELECT {string.Join(", ", columns.Select(c => $"json_extract(value, '$.{c.Name}') AS {c.Name}"))} FROM json_each(@{parameter}))";
}
