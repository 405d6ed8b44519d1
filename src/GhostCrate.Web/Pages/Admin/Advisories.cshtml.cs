using GhostCrate.Core.Options;
using GhostCrate.Core.Policy;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>The download policy at a glance (docs/security.md#policy): its settings, the allow-list, quarantine exemptions.</summary>
public sealed class AdvisoriesModel(PolicyService policy, IOptions<PolicyOptions> options, IOptions<ProxyOptions> proxy) : AdminPageModel
{
    public PolicyOptions Settings => options.Value;
    public int QuarantineHours => proxy.Value.QuarantineHours;
    public IReadOnlyList<AllowedAdvisory> Allowed { get; private set; } = [];
    public IReadOnlyList<QuarantineExemption> Exemptions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Allowed = (await policy.ListAllowedAsync(Caller, cancellationToken)).Value ?? [];
        Exemptions = (await policy.ListExemptionsAsync(Caller, cancellationToken)).Value ?? [];
    }

    /// <summary>The last day an entry applies (entries end at the following midnight, UTC).</summary>
    public static string LastDay(DateTimeOffset expiresAt) => Ui.Format.Date(expiresAt.AddDays(-1));
}
