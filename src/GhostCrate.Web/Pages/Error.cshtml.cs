using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Web.Pages;

/// <summary>
/// The friendly page behind every failed page request (UseStatusCodePagesWithReExecute and UseExceptionHandler send
/// them here). A client that asks for JSON gets RFC 9457 problem details instead.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : UiPageModel
{
    public int Code { get; private set; }
    public string Heading { get; private set; } = "";
    public string Message { get; private set; } = "";
    public string TraceId { get; private set; } = "";
    public string? OriginalPath { get; private set; }
    /// <summary>On a 404 under an existing crate (a version or page that is not there): that crate's name, to link to.</summary>
    public string? ExistingCrate { get; private set; }

    /// <summary>On a 404 under /crates/ where a crate or version was deleted: what its tombstone says (answered 410 Gone).</summary>
    public Core.Deletion.DeletedNotice? Deleted { get; private set; }

    public async Task<IActionResult> OnGetAsync(int code, [FromServices] Core.Catalog.CrateDetailsService details, [FromServices] Core.Deletion.DeletionService deletions, [FromServices] ILogger<ErrorModel> logger)
    {
        var path = OriginalPathOf();
        if (code == 404 && path is not null && path.StartsWith("/crates/", StringComparison.Ordinal)
            && path.Split('/', StringSplitOptions.RemoveEmptyEntries) is { Length: >= 2 } parts)
        {
            try
            {
                var name = Uri.UnescapeDataString(parts[1]);
                // A deleted crate or version says so, when and why (issues 20 and 23), instead of a plain "not found".
                Deleted = await deletions.FindDeletedAsync(name, parts.Length > 2 ? Uri.UnescapeDataString(parts[2]) : null, Viewer, HttpContext.RequestAborted);
                if (Deleted is { CrateDeleted: false }) ExistingCrate = Deleted.Crate;
                else if (Deleted is null && parts.Length > 2)
                    ExistingCrate = (await details.GetAsync(name, null, Viewer, HttpContext.RequestAborted))?.Crate.Name;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The error page must render whatever else is failing; the hint is only a convenience.
                logger.LogWarning(ex, "Could not look up the crate of a missing page");
            }
        }
        return Handle(Deleted is null ? code : StatusCodes.Status410Gone);
    }

    // A failed POST is re-executed as a POST.
    public IActionResult OnPost(int code) => Handle(code);

    private IActionResult Handle(int code)
    {
        Code = code is >= 400 and <= 599 ? code : 500;
        OriginalPath = OriginalPathOf();
        TraceId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        (Heading, Message) = Code switch
        {
            410 when Deleted is { } gone => (
                gone.Version is null ? $"{gone.Crate} was deleted" : $"{gone.Crate} {gone.Version} was deleted",
                (gone.Version is null ? "This crate" : "This version") + $" was deleted on {gone.DeletedAt:yyyy-MM-dd}" + (gone.DeletedBy is null ? "" : $" by {gone.DeletedBy}") +
                (gone.Version is not null && gone.CrateDeleted ? ", and the crate later with it" : "") +
                ". Its version numbers can never be published again; pick another version in Cargo.toml."),
            404 => ("Page not found", "There is nothing at this address. The crate may be spelt differently, or the link is out of date."),
            403 => ("Not allowed", "Your account may not see or do this. Ask an administrator if you think it should."),
            401 => ("Please log in", "This page needs you to log in first."),
            405 => ("Not allowed here", "This address does not accept that kind of request."),
            >= 500 => ("Something went wrong", "The registry could not show this page. The problem has been logged; try again in a moment."),
            _ => ("That did not work", "The request could not be handled."),
        };
        Response.StatusCode = Code;
        if (WantsJson())
        {
            return new ObjectResult(new ProblemDetails { Status = Code, Title = Heading, Detail = Message, Instance = OriginalPath, Extensions = { ["traceId"] = TraceId } })
            {
                StatusCode = Code,
                ContentTypes = { "application/problem+json" },
            };
        }
        return Page();
    }

    private string? OriginalPathOf() =>
        HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath
        ?? HttpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path;

    private bool WantsJson()
    {
        var accept = Request.Headers.Accept.ToString();
        return accept.Contains("json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }
}
