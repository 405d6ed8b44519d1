using GhostCrate.Core.Operations;

namespace GhostCrate.Web.Pages.Admin;

public sealed class IndexModel(SystemStatusService status) : AdminPageModel
{
    public SystemStatus Status { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Status = await status.GetAsync(cancellationToken);
}
