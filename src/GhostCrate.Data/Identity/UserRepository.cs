using Dapper;
using GhostCrate.Core.Identity;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Identity;

internal sealed class UserRepository(IDbConnectionFactory factory) : IUserRepository
{
    /// <summary>
    /// The stored, unique-indexed form of a username. Computed here in C# (never by a SQL function) so both providers
    /// agree; invariant lowercasing so the result does not depend on the server's culture.
    /// </summary>
    internal static string Canonical(string username) => username.ToLowerInvariant();

    public Task<UserRecord?> FindByNameAsync(string username, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
                $"SELECT {UserRow.Columns} FROM users WHERE username_canonical = @canonical",
                new { canonical = Canonical(username) }, cancellationToken: cancellationToken));
            return row?.ToRecord();
        }, cancellationToken);

    public Task<UserRecord?> FindByIdAsync(long id, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
                $"SELECT {UserRow.Columns} FROM users WHERE id = @id",
                new { id }, cancellationToken: cancellationToken));
            return row?.ToRecord();
        }, cancellationToken);

    public Task<UserRecord?> CreateAsync(string username, string? passwordHash, bool isAdmin, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // DO NOTHING turns "name taken" (including a concurrent creator) into no row instead of an exception.
            var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                """
                INSERT INTO users (username, username_canonical, password_hash, is_admin, is_disabled, created_at)
                VALUES (@username, @canonical, @passwordHash, @isAdmin, 0, @createdAt)
                ON CONFLICT (username_canonical) DO NOTHING
                RETURNING id
                """,
                new { username, canonical = Canonical(username), passwordHash, isAdmin = isAdmin ? 1 : 0, createdAt = UnixTime.ToMs(now) },
                transaction, cancellationToken: cancellationToken));
            return id is { } newId
                ? new UserRecord(newId, username, passwordHash, isAdmin, false, UnixTime.FromMs(UnixTime.ToMs(now)))
                : null;
        }, cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync(connection => connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM users", cancellationToken: cancellationToken)), cancellationToken);

    public Task SetPasswordHashAsync(long userId, string passwordHash, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @passwordHash, session_version = session_version + 1 WHERE id = @userId",
            new { passwordHash, userId }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<bool> UpdateFlagsAsync(long userId, UserFlags flags, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE users SET
                is_admin = COALESCE(@isAdmin, is_admin),
                is_disabled = COALESCE(@isDisabled, is_disabled),
                is_read_only = COALESCE(@isReadOnly, is_read_only),
                session_version = session_version + 1
            WHERE id = @userId
            """,
            new { userId, isAdmin = Bit(flags.IsAdmin), isDisabled = Bit(flags.IsDisabled), isReadOnly = Bit(flags.IsReadOnly) },
            transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<UserPage> ListAsync(string? query, int offset, int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            // Canonical names are lowercase, so a lowercase pattern matches case-insensitively on both providers.
            var pattern = string.IsNullOrWhiteSpace(query) ? null : Crates.LikePattern.Contains(Canonical(query.Trim()));
            var where = pattern is null ? "" : "WHERE username_canonical LIKE @pattern ESCAPE '\\'";
            var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"SELECT count(*) FROM users {where}", new { pattern }, cancellationToken: cancellationToken));
            var rows = await connection.QueryAsync<UserRow>(new CommandDefinition(
                $"SELECT {UserRow.Columns} FROM users {where} ORDER BY username_canonical LIMIT @limit OFFSET @offset",
                new { pattern, limit, offset }, cancellationToken: cancellationToken));
            return new UserPage(rows.Select(r => r.ToRecord()).ToList(), total);
        }, cancellationToken);

    public Task SetProfileAsync(long userId, string? email, string? displayName, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET email = @email, display_name = @displayName WHERE id = @userId",
            new { email, displayName, userId }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    private static int? Bit(bool? value) => value is null ? null : value.Value ? 1 : 0;
}
