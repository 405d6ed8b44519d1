using GhostCrate.Core.Options;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Ui;

/// <summary>
/// In auth-required mode (RFC 3139: nothing is readable without credentials) every page but the login and error pages
/// needs a signed-in session (the unsubscribe page needs only the signed token of its link, which a mail program follows without one); anonymous visitors are sent to /login and brought back. In normal mode pages are public.
/// </summary>
public sealed class BrowseAccessFilter(IOptions<RegistryOptions> registry) : IAsyncPageFilter
{
    private static readonly HashSet<string> OpenPages = new(StringComparer.OrdinalIgnoreCase) { "/Login", "/Error", "/Notifications/Unsubscribe" };

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        if (registry.Value.AuthRequired && http.SessionUser() is null && !OpenPages.Contains(context.ActionDescriptor.ViewEnginePath))
        {
            context.Result = new RedirectResult("/login?returnUrl=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));
            return;
        }
        await next();
    }
}
