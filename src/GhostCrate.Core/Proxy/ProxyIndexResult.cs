namespace GhostCrate.Core.Proxy;

public enum ProxyIndexStatus
{
    /// <summary><see cref="ProxyIndexResult.File"/> is set (possibly stale, see <see cref="ProxyIndexResult.Stale"/>).</summary>
    Found,
    /// <summary>The upstream says no such crate exists.</summary>
    NotFound,
    /// <summary>Not cached and the upstream failed: <see cref="ProxyIndexResult.Error"/> says why.</summary>
    Unavailable,
}

public sealed record ProxyIndexResult(ProxyIndexStatus Status, CachedIndexFile? File, bool Stale, string? Error)
{
    public static ProxyIndexResult Found(CachedIndexFile file, bool stale = false) => new(ProxyIndexStatus.Found, file, stale, null);
    public static ProxyIndexResult NotFound { get; } = new(ProxyIndexStatus.NotFound, null, false, null);
    public static ProxyIndexResult Unavailable(string error) => new(ProxyIndexStatus.Unavailable, null, false, error);
}
