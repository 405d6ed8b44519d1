using GhostCrate.Core.Audit;
using Microsoft.AspNetCore.Http.Extensions;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>The audit log, newest first, filtered by actor, action (prefix) and target; pages back by event id.</summary>
public sealed class AuditModel(AuditLog audit) : AdminPageModel
{
    public const int PerPage = 100;

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];
    public string? Actor { get; private set; }
    public string? Action { get; private set; }
    public string? Target { get; private set; }
    public long? Before { get; private set; }

    public async Task OnGetAsync(string? actor, string? action, string? target, long? before, CancellationToken cancellationToken)
    {
        Actor = Clean(actor);
        Action = Clean(action);
        Target = Clean(target);
        Before = before;
        Events = await audit.QueryAsync(new AuditQuery(Actor, Action, Target, BeforeId: before, Limit: PerPage), cancellationToken);
    }

    public string OlderHref()
    {
        var query = new QueryBuilder();
        if (Actor is not null) query.Add("actor", Actor);
        if (Action is not null) query.Add("action", Action);
        if (Target is not null) query.Add("target", Target);
        query.Add("before", Events[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return "/admin/audit" + query.ToQueryString();
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
