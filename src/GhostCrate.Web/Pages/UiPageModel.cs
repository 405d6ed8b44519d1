using GhostCrate.Core.Identity;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Pages;

/// <summary>What every page model needs: the clock (for "3 days ago") and the registry's public base URL (for snippets).</summary>
public abstract class UiPageModel : PageModel
{
    public DateTimeOffset Now => HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();

    public string BaseUrl => HttpContext.RequestServices.GetRequiredService<RegistryUrls>().BaseUrl(Request);

    /// <summary>Who is looking (the cookie session), null for anonymous: decides which restricted crates exist for them.</summary>
    public Principal? Viewer => HttpContext.SessionUser() is { } user ? Principal.ForSession(user) : null;
}
