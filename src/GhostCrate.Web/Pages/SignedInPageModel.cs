using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace GhostCrate.Web.Pages;

/// <summary>
/// Pages for a signed-in person (cookie session). Without a session the browser goes to /login and comes back;
/// <see cref="RequireAdmin"/> pages answer 403 to everyone else. Responses are never cached: they show tokens,
/// users and settings.
/// </summary>
public abstract class SignedInPageModel : UiPageModel
{
    /// <summary>The signed-in user, re-read from the database for this request.</summary>
    public UserRecord CurrentUser { get; private set; } = null!;

    /// <summary>The caller as Core services expect it.</summary>
    public Principal Caller { get; private set; } = null!;

    protected virtual bool RequireAdmin => false;

    /// <summary>A one-line result of the last action, shown at the top of the page.</summary>
    public string? StatusMessage { get; protected set; }

    /// <summary>An error of the last action (shown with role=alert).</summary>
    public string? ErrorMessage { get; protected set; }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var user = HttpContext.SessionUser();
        if (user is null)
        {
            context.Result = Redirect("/login?returnUrl=" + Uri.EscapeDataString(Request.Path + Request.QueryString));
            return;
        }
        if (RequireAdmin && !user.IsAdmin)
        {
            context.Result = StatusCode(StatusCodes.Status403Forbidden);
            return;
        }
        CurrentUser = user;
        Caller = Principal.ForSession(user);
        Response.Headers.CacheControl = "no-store";
        await next();
    }

    /// <summary>Shows a Core error on the page (and sets the status code the error stands for).</summary>
    protected IActionResult Failed(RegistryError error)
    {
        ErrorMessage = error.Detail;
        Response.StatusCode = error.Kind switch
        {
            RegistryErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            RegistryErrorKind.NotFound => StatusCodes.Status404NotFound,
            RegistryErrorKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        };
        return Page();
    }
}
