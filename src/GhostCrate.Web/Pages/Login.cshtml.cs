namespace GhostCrate.Web.Pages;

/// <summary>
/// GET /login: the sign-in form. It posts username, password and returnUrl (with the antiforgery token) to POST /login,
/// which the identity module handles; on failure that sends the browser back here with ?error=.
/// </summary>
public sealed class LoginModel : UiPageModel
{
    public string ReturnUrl { get; private set; } = "/";
    public string? Error { get; private set; }
    public string? Username { get; private set; }

    public void OnGet(string? returnUrl, string? error, string? username)
    {
        ReturnUrl = IsLocal(returnUrl) ? returnUrl! : "/";
        Username = username;
        Error = error switch
        {
            null or "" => null,
            "invalid" => "That user name and password do not match an account.",
            "disabled" => "This account is disabled. Ask an administrator.",
            "locked" => "Too many attempts. Wait a moment and try again.",
            "sso" => "Signing in with that provider did not work. Try again or use another way to log in.",
            _ => "Logging in did not work. Try again.",
        };
    }

    /// <summary>Only same-site paths: an open redirect after login would be a phishing aid.</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
