namespace GhostCrate.Core.Identity;

/// <summary>The authenticated caller of a request: a user, through an API token (TokenId set) or a session.</summary>
public sealed record Principal(
    long UserId,
    string Username,
    bool IsAdmin,
    long? TokenId,
    TokenScopes Scopes);
