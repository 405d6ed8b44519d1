using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Audit;

/// <summary>
/// Records state changes and answers the admin API's queries. Writing never fails the operation it describes: the
/// change already happened, so a lost audit row is logged as an error instead of turning success into failure.
/// </summary>
public sealed class AuditLog(IAuditRepository repository, IRequestOrigin origin, TimeProvider time, ILogger<AuditLog> logger)
{
    public const int MaxQueryLimit = 1000;

    public Task RecordAsync(Principal? actor, string action, string? target, CancellationToken cancellationToken) =>
        RecordAsync(actor, action, target, null, cancellationToken);

    public Task RecordAsync(Principal? actor, string action, string? target, IReadOnlyDictionary<string, string?>? details, CancellationToken cancellationToken) =>
        AppendAsync(actor?.UserId, actor?.Username, actor?.TokenId, action, target, details, cancellationToken);

    /// <summary>For events without an authenticated actor (a failed login names the attempted user only).</summary>
    public Task RecordAnonymousAsync(string? actorName, string action, string? target, IReadOnlyDictionary<string, string?>? details, CancellationToken cancellationToken) =>
        AppendAsync(null, actorName, null, action, target, details, cancellationToken);

    public Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditQuery query, CancellationToken cancellationToken) =>
        repository.QueryAsync(query with { Limit = Math.Clamp(query.Limit, 1, MaxQueryLimit) }, cancellationToken);

    private async Task AppendAsync(long? actorId, string? actorName, long? tokenId, string action, string? target, IReadOnlyDictionary<string, string?>? details, CancellationToken cancellationToken)
    {
        var entry = new NewAuditEvent(time.GetUtcNow(), actorId, actorName, tokenId, origin.ClientAddress, action, target, details ?? new Dictionary<string, string?>());
        try
        {
            // Not cancellable: the change it records has happened even if the client went away.
            await repository.AppendAsync(entry, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not write the audit event {Action} on {Target} by {Actor}", action, target, actorName);
        }
    }
}
