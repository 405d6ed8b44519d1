using Dapper;
using GhostCrate.Core.Identity;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Identity;

internal sealed class LoginStateRepository(IDbConnectionFactory factory) : ILoginStateRepository
{
    public Task StoreAsync(PendingLogin login, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // Expired rows are swept by whoever starts the next login, so the table stays small without a job.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM login_states WHERE expires_at < @now",
                new { now = UnixTime.ToMs(DateTimeOffset.UtcNow) }, transaction, cancellationToken: cancellationToken));
            return await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO login_states (state_hash, provider, nonce, code_verifier, return_url, expires_at)
                VALUES (@StateHash, @Provider, @Nonce, @CodeVerifier, @ReturnUrl, @expiresAt)
                """,
                new { login.StateHash, login.Provider, login.Nonce, login.CodeVerifier, login.ReturnUrl, expiresAt = UnixTime.ToMs(login.ExpiresAt) },
                transaction, cancellationToken: cancellationToken));
        }, cancellationToken);

    public Task<PendingLogin?> TakeAsync(string stateHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // DELETE ... RETURNING makes "take" atomic: of two callbacks racing with one state, only one gets the row.
            var row = await connection.QuerySingleOrDefaultAsync<StateRow>(new CommandDefinition(
                """
                DELETE FROM login_states WHERE state_hash = @stateHash
                RETURNING state_hash AS StateHash, provider AS Provider, nonce AS Nonce, code_verifier AS CodeVerifier,
                          return_url AS ReturnUrl, expires_at AS ExpiresAt
                """,
                new { stateHash }, transaction, cancellationToken: cancellationToken));
            if (row is null || row.ExpiresAt < UnixTime.ToMs(now)) return null;
            return new PendingLogin(row.StateHash, row.Provider, row.Nonce, row.CodeVerifier, row.ReturnUrl, UnixTime.FromMs(row.ExpiresAt));
        }, cancellationToken);

    private sealed class StateRow
    {
        public string StateHash { get; set; } = "";
        public string Provider { get; set; } = "";
        public string Nonce { get; set; } = "";
        public string CodeVerifier { get; set; } = "";
        public string? ReturnUrl { get; set; }
        public long ExpiresAt { get; set; }
    }
}
