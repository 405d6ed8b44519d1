using GhostCrate.Core.Abstractions;

namespace GhostCrate.Core.Identity;

/// <summary>The checks every use case repeats, with messages that say what is missing.</summary>
public static class Guards
{
    /// <summary>Read-only users and read-only tokens may never change anything.</summary>
    public static RegistryError? RequireWriter(Principal principal) =>
        principal.IsReadOnly
            ? RegistryError.Forbidden($"the account `{principal.Username}` is read-only: it may download crates but not publish, yank or change owners; ask an administrator")
            : null;

    /// <summary>Account settings (tokens, organizations, admin actions) need a session or an unscoped token.</summary>
    public static RegistryError? RequireAccountManagement(Principal principal) =>
        principal.CanManageAccount
            ? null
            : RegistryError.Forbidden("this API token is scoped (endpoint or crate scopes) and may not manage accounts, tokens or organizations; use an unscoped token or sign in on the web");

    public static RegistryError? RequireAdmin(Principal principal) =>
        RequireAccountManagement(principal) ?? (principal.IsAdmin ? null : RegistryError.Forbidden("only administrators may do this"));

    /// <summary>The scope check shared by publish, yank and owners, naming the missing scope (RFC 2947).</summary>
    public static RegistryError? RequireEndpointScope(Principal principal, string scope, string what) =>
        principal.Scopes.AllowsEndpoint(scope)
            ? null
            : RegistryError.Forbidden($"this token may not {what}: it lacks the `{scope}` scope (it has {Describe(principal.Scopes.Endpoints)}); create a token with the `{scope}` scope");

    private static string Describe(IReadOnlyList<string>? endpoints) =>
        endpoints is null ? "every scope" : endpoints.Count == 0 ? "no endpoint scope: it is read-only" : string.Join(", ", endpoints.Select(e => $"`{e}`"));
}
