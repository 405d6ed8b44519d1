using GhostCrate.Core.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Admin;

public sealed class OrgsModel(OrganizationService organizations) : AdminPageModel
{
    public const int PerPage = 50;

    public IReadOnlyList<OrganizationRecord> Organizations { get; private set; } = [];
    public long Total { get; private set; }
    public int CurrentPage { get; private set; } = 1;
    public int Pages => (int)Math.Max(1, (Total + PerPage - 1) / PerPage);

    public async Task OnGetAsync([FromQuery(Name = "page")] int? pageNumber, CancellationToken cancellationToken)
    {
        CurrentPage = Math.Max(pageNumber ?? 1, 1);
        var result = await organizations.ListAllAsync(Caller, CurrentPage, PerPage, cancellationToken);
        (Organizations, Total) = result.Value;
    }
}
