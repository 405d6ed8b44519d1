using System.Globalization;
using GhostCrate.Core.Catalog;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Pages.Account;

/// <summary>
/// /me: the account page, and the `login_url` cargo prints ("get a token at ..."). Profile, the crates you own, your
/// API tokens (create with scopes and expiry, see the secret once, revoke), your password, and the invitations waiting
/// for you (crate ownership is accepted or declined here; organization invitations on /orgs).
/// </summary>
public sealed class MeModel(TokenService tokens, AccountService accounts, CatalogService catalog, OwnerInvitationService ownerInvitations, IOptions<IdentityOptions> identity) : SignedInPageModel
{
    public static readonly IReadOnlyList<(string Scope, string Label)> EndpointScopes =
    [
        (TokenScopes.PublishNew, "publish new crates"),
        (TokenScopes.PublishUpdate, "publish new versions"),
        (TokenScopes.Yank, "yank and unyank"),
        (TokenScopes.ChangeOwners, "change owners"),
    ];

    public static readonly IReadOnlyList<(string Value, string Label)> Expiries =
    [
        ("30", "in 30 days"),
        ("90", "in 90 days"),
        ("365", "in a year"),
        ("7", "in 7 days"),
        ("never", "never"),
    ];

    public IReadOnlyList<ApiTokenRecord> Tokens { get; private set; } = [];
    public IReadOnlyList<CrateSearchHit> Crates { get; private set; } = [];
    public CreatedToken? Created { get; private set; }
    public int? MaxTokenLifetimeDays => identity.Value.MaxTokenLifetimeDays;

    /// <summary>
    /// The new token's secret, carried across the redirect after "Create token" so that a reload cannot create a second
    /// token. TempData lives in a cookie encrypted with the Data Protection keys (shared by every node) and is deleted
    /// once read, so the secret is shown exactly once, as before.
    /// </summary>
    [TempData] public string? NewTokenSecret { get; set; }
    [TempData] public string? NewTokenId { get; set; }

    [BindProperty] public TokenForm NewToken { get; set; } = new();
    [BindProperty] public PasswordForm Password { get; set; } = new();

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        StatusMessage = done switch
        {
            "revoked" => "The token was revoked. Anything still using it is refused from now on.",
            "password" => "Your password was changed. Your other sessions were signed out.",
            "declined" => "Invitation declined.",
            _ => null,
        };
        await LoadAsync(cancellationToken);
        if (done == "created" && NewTokenSecret is { } secret && Tokens.FirstOrDefault(t => t.Id.ToString(CultureInfo.InvariantCulture) == NewTokenId) is { } record)
        {
            Created = new CreatedToken(record, secret);
            StatusMessage = $"Created the token “{record.Name}”.";
        }
    }

    public async Task<IActionResult> OnPostCreateTokenAsync(CancellationToken cancellationToken)
    {
        var scopes = NewToken.Access != "limited" ? null : (IReadOnlyList<string>)(NewToken.Scopes ?? []).Where(s => EndpointScopes.Any(e => e.Scope == s)).ToList();
        var crates = string.IsNullOrWhiteSpace(NewToken.Crates)
            ? null
            : (IReadOnlyList<string>)NewToken.Crates.Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        DateTimeOffset? expires = NewToken.Expires is { } days && days != "never" && int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? Now.AddDays(n)
            : null;
        var result = await tokens.CreateAsync(Caller, new NewTokenRequest(NewToken.Name ?? "", scopes, crates, expires), cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(cancellationToken);
            return Failed(error);
        }
        NewTokenSecret = result.Value!.Secret;
        NewTokenId = result.Value.Record.Id.ToString(CultureInfo.InvariantCulture);
        return Redirect("/me?done=created#new-token");
    }

    public async Task<IActionResult> OnPostRevokeAsync(long id, CancellationToken cancellationToken)
    {
        var result = await tokens.RevokeAsync(Caller, id, cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(cancellationToken);
            return Failed(error);
        }
        return Redirect("/me?done=revoked#tokens");
    }

    /// <summary>Accepts or declines an invitation to own <paramref name="crate"/>; redirects after the post, so a reload repeats nothing.</summary>
    public async Task<IActionResult> OnPostAnswerOwnerInvitationAsync(string? crate, bool accept, CancellationToken cancellationToken)
    {
        var result = await ownerInvitations.AnswerAsync(Caller, crate ?? "", accept, cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(cancellationToken);
            return Failed(error);
        }
        if (!accept) return Redirect("/me?done=declined");
        // The crate's Manage page shows this once (its [TempData] Flash), with what an owner can now do there.
        TempData["Flash"] = $"You now own {result.Value!.CrateName}: you may publish, yank and change its owners.";
        return Redirect($"/crates/{Uri.EscapeDataString(result.Value.CrateName)}/manage");
    }

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken cancellationToken)
    {
        var result = await accounts.ChangePasswordAsync(Caller, Password.Current ?? "", Password.New ?? "", cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(cancellationToken);
            return Failed(error);
        }
        // The change ended every session of the user (session version); this one continues with a fresh cookie.
        await SessionCookie.SignInAsync(HttpContext, result.Value!);
        return Redirect("/me?done=password");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var list = await tokens.ListAsync(Caller, cancellationToken);
        Tokens = (list.Value ?? []).OrderByDescending(t => t.CreatedAt).ToList();
        Crates = await catalog.OwnedByAsync(CurrentUser.Id, Caller, cancellationToken);
    }

    public static string ScopeText(ApiTokenRecord token) =>
        token.EndpointScopes is null ? "everything" : token.EndpointScopes.Length == 0 ? "read only" : token.EndpointScopes.Replace(' ', ',').Replace(",", ", ", StringComparison.Ordinal);

    public static string CrateText(ApiTokenRecord token) =>
        token.CrateScopes is null ? "all crates" : token.CrateScopes.Replace(" ", ", ", StringComparison.Ordinal);

    public sealed class TokenForm
    {
        public string? Name { get; set; }
        /// <summary>"all": the token may do all the user may; "limited": only the checked <see cref="Scopes"/> (none = read only).</summary>
        public string Access { get; set; } = "all";
        public List<string>? Scopes { get; set; }
        public string? Crates { get; set; }
        public string? Expires { get; set; } = "90";
    }

    public sealed class PasswordForm
    {
        public string? Current { get; set; }
        public string? New { get; set; }
    }
}
