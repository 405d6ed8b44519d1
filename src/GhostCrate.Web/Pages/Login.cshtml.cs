using GhostCrate.Core.Options;
using GhostCrate.Web.Endpoints;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Pages;

/// <summary>
/// GET /login: the sign-in form and one button per single sign-on provider. The form posts username, password and
/// returnUrl (with the antiforgery field) to POST /login (LoginEndpoints, docs/identity.md), which sends the browser
/// back here with ?error=CODE when it fails.
/// </summary>
public sealed class LoginModel(IOptions<IdentityOptions> identity) : UiPageModel
{
    public string ReturnUrl { get; private set; } = "/";
    public string? Error { get; private set; }
    public bool PasswordLogin => identity.Value.AllowPasswordLogin;

    /// <summary>Provider key (as in /login/{key}) and button text, in configuration order.</summary>
    public IReadOnlyList<(string Key, string Label)> Providers =>
        identity.Value.Sso.Select(p => (p.Key, p.Value.DisplayName is { Length: > 0 } name ? name : $"Sign in with {p.Key}")).ToList();

    public void OnGet(string? returnUrl, string? error)
    {
        ReturnUrl = LoginEndpoints.SafeReturnUrl(returnUrl) ?? "/";
        Error = error switch
        {
            null or "" => null,
            "invalid" => "That user name and password do not match an account.",
            "disabled" => "This account is disabled. Ask an administrator.",
            "password_disabled" => "Signing in with a password is turned off here; use single sign-on.",
            "expired" => "The form was open too long. Please try again.",
            "sso" => "Signing in with that provider did not work. Try again or use another way to log in.",
            _ => "Logging in did not work. Please try again.",
        };
    }

    public string ProviderHref(string key) => $"/login/{Uri.EscapeDataString(key)}?returnUrl={Uri.EscapeDataString(ReturnUrl)}";
}
