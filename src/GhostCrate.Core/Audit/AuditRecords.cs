namespace GhostCrate.Core.Audit;

/// <summary>
/// One state change: who (user and token), what (action + target + details), when and from which address.
/// Details are plain key/value pairs chosen by the caller from known fields; secrets never go in.
/// </summary>
public sealed record AuditEvent(
    long Id,
    DateTimeOffset OccurredAt,
    long? ActorId,
    string? ActorName,
    long? TokenId,
    string? Address,
    string Action,
    string? Target,
    IReadOnlyDictionary<string, string?> Details);

public sealed record NewAuditEvent(
    DateTimeOffset OccurredAt,
    long? ActorId,
    string? ActorName,
    long? TokenId,
    string? Address,
    string Action,
    string? Target,
    IReadOnlyDictionary<string, string?> Details);

/// <summary>Filters for the admin API; all optional. <see cref="BeforeId"/> pages backwards (newest first).</summary>
public sealed record AuditQuery(string? Actor = null, string? Action = null, string? Target = null, DateTimeOffset? Since = null, long? BeforeId = null, int Limit = 100);

/// <summary>Port for the audit log (append-only).</summary>
public interface IAuditRepository
{
    Task AppendAsync(NewAuditEvent entry, CancellationToken cancellationToken);
    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditQuery query, CancellationToken cancellationToken);
}
