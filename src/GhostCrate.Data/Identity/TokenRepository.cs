using Dapper;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Notifications;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Notifications;

namespace GhostCrate.Data.Identity;

internal sealed class TokenRepository(IDbConnectionFactory factory) : ITokenRepository
{
    public Task<ApiTokenRecord> CreateAsync(NewApiToken token, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO api_tokens (user_id, name, token_hash, created_at, last_used_at, expires_at, revoked_at, endpoint_scopes, crate_scopes)
                VALUES (@UserId, @Name, @TokenHash, @createdAt, NULL, @expiresAt, NULL, @EndpointScopes, @CrateScopes)
                RETURNING id
                """,
                new
                {
                    token.UserId, token.Name, token.TokenHash, createdAt = UnixTime.ToMs(token.CreatedAt),
                    expiresAt = UnixTime.ToMs(token.ExpiresAt), token.EndpointScopes, token.CrateScopes,
                },
                transaction, cancellationToken: cancellationToken));
            await EventOutbox.TokenAsync(factory, connection, transaction, RegistryEventTypes.TokenCreated, id, token.CreatedAt, cancellationToken);
            // Round-tripped through the stored precision (milliseconds) so the result equals what a later read returns.
            return new ApiTokenRecord(
                id, token.UserId, token.Name, token.TokenHash, UnixTime.FromMs(UnixTime.ToMs(token.CreatedAt)), null,
                UnixTime.FromMs(UnixTime.ToMs(token.ExpiresAt)), null, token.EndpointScopes, token.CrateScopes);
        }, cancellationToken);

    public Task<ApiTokenRecord?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
                $"SELECT {TokenRow.Columns} FROM api_tokens WHERE token_hash = @tokenHash",
                new { tokenHash }, cancellationToken: cancellationToken));
            return row?.ToRecord();
        }, cancellationToken);

    public Task<ApiTokenRecord?> FindByIdAsync(long tokenId, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
                $"SELECT {TokenRow.Columns} FROM api_tokens WHERE id = @tokenId",
                new { tokenId }, cancellationToken: cancellationToken));
            return row?.ToRecord();
        }, cancellationToken);

    public Task<int> RevokeAllForUserAsync(long userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var revoked = (await connection.QueryAsync<long>(new CommandDefinition(
                "UPDATE api_tokens SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL RETURNING id",
                new { now = UnixTime.ToMs(now), userId }, transaction, cancellationToken: cancellationToken))).ToList();
            foreach (var id in revoked)
                await EventOutbox.TokenAsync(factory, connection, transaction, RegistryEventTypes.TokenRevoked, id, now, cancellationToken);
            return revoked.Count;
        }, cancellationToken);

    public Task<IReadOnlyList<ApiTokenRecord>> ListForUserAsync(long userId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<ApiTokenRecord>>(async connection =>
        {
            var rows = await connection.QueryAsync<TokenRow>(new CommandDefinition(
                $"SELECT {TokenRow.Columns} FROM api_tokens WHERE user_id = @userId ORDER BY id",
                new { userId }, cancellationToken: cancellationToken));
            return rows.Select(r => r.ToRecord()).ToList();
        }, cancellationToken);

    public Task TouchAsync(long tokenId, DateTimeOffset lastUsedAt, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET last_used_at = @lastUsedAt WHERE id = @tokenId",
            new { lastUsedAt = UnixTime.ToMs(lastUsedAt), tokenId }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<bool> RevokeAsync(long tokenId, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var revoked = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_tokens SET revoked_at = @now WHERE id = @tokenId AND revoked_at IS NULL",
                new { now = UnixTime.ToMs(now), tokenId }, transaction, cancellationToken: cancellationToken)) > 0;
            if (revoked) await EventOutbox.TokenAsync(factory, connection, transaction, RegistryEventTypes.TokenRevoked, tokenId, now, cancellationToken);
            return revoked;
        }, cancellationToken);
}
