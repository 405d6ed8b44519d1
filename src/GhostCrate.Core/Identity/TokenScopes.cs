namespace GhostCrate.Core.Identity;

/// <summary>
/// crates.io-style token scopes (https://rust-lang.github.io/rfcs/2947-crates-io-token-scopes.html):
/// endpoint scopes limit what a token may do, crate scopes limit which crates (exact names or `prefix*`).
/// Null lists mean "unrestricted" (legacy tokens, session logins).
/// </summary>
public sealed record TokenScopes(IReadOnlyList<string>? Endpoints, IReadOnlyList<string>? Crates)
{
    public const string PublishNew = "publish-new";
    public const string PublishUpdate = "publish-update";
    public const string Yank = "yank";
    public const string ChangeOwners = "change-owners";
    public static readonly IReadOnlyList<string> AllEndpoints = [PublishNew, PublishUpdate, Yank, ChangeOwners];

    public static TokenScopes Unrestricted { get; } = new(null, null);

    public static TokenScopes FromStored(string? endpoints, string? crates) => new(Split(endpoints), Split(crates));

    public bool AllowsEndpoint(string scope) => Endpoints is null || Endpoints.Contains(scope, StringComparer.Ordinal);

    /// <summary>Crate scopes compare canonical names, so `my_crate` and `my-crate` are the same crate.</summary>
    public bool AllowsCrate(string crateName)
    {
        if (Crates is null) return true;
        var canonical = Protocol.Crates.CrateName.Canonicalize(crateName);
        foreach (var pattern in Crates)
        {
            var p = Protocol.Crates.CrateName.Canonicalize(pattern);
            if (p.EndsWith('*') ? canonical.StartsWith(p[..^1], StringComparison.Ordinal) : canonical == p) return true;
        }
        return false;
    }

    private static IReadOnlyList<string>? Split(string? value) =>
        value is null ? null : value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
