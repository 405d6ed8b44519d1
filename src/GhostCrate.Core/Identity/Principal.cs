namespace GhostCrate.Core.Identity;

/// <summary>
/// The authenticated caller of a request: a user, through an API token (TokenId set) or a cookie session (TokenId
/// null, scopes unrestricted). <see cref="IsReadOnly"/> callers may read but never change anything.
/// </summary>
public sealed record Principal(
    long UserId,
    string Username,
    bool IsAdmin,
    long? TokenId,
    TokenScopes Scopes,
    bool IsReadOnly = false)
{
    /// <summary>A cookie session (or the CLI acting for a user): unrestricted scopes, no token.</summary>
    public static Principal ForSession(UserRecord user) => new(user.Id, user.Username, user.IsAdmin, null, TokenScopes.Unrestricted, user.IsReadOnly);

    /// <summary>
    /// Whether this caller may manage the account (tokens, organizations, admin API): sessions and unscoped tokens
    /// may, scoped tokens never (a token limited to `yank` must not be able to mint an unlimited one).
    /// </summary>
    public bool CanManageAccount => Scopes.Endpoints is null && Scopes.Crates is null;
}
