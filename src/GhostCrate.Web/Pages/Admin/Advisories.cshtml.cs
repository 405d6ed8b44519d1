using GhostCrate.Core.Advisories;
using GhostCrate.Core.Options;
using GhostCrate.Core.Policy;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>
/// The crates advisories affect, most urgent first, and the download policy at a glance (docs/security.md#policy):
/// its settings, the allow-list, quarantine exemptions.
/// </summary>
public sealed class AdvisoriesModel(PolicyService policy, AffectedCrates affected, IOptions<PolicyOptions> options, IOptions<ProxyOptions> proxy) : AdminPageModel
{
    public PolicyOptions Settings => options.Value;
    public int QuarantineHours => proxy.Value.QuarantineHours;
    public IReadOnlyList<AllowedAdvisory> Allowed { get; private set; } = [];
    public IReadOnlyList<QuarantineExemption> Exemptions { get; private set; } = [];
    public IReadOnlyList<AffectedCrate> Affected { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Allowed = (await policy.ListAllowedAsync(Caller, cancellationToken)).Value ?? [];
        Exemptions = (await policy.ListExemptionsAsync(Caller, cancellationToken)).Value ?? [];
        Affected = await affected.ListAsync(cancellationToken);
    }

    /// <summary>What the list says of an advisory's weight: its kind for a warning, else its CVSS band and score.</summary>
    public static string Severity(Advisory advisory) =>
        advisory.IsWarning ? advisory.Informational ?? "informational" : advisory.Rating;

    /// <summary>The last day an entry applies (entries end at the following midnight, UTC).</summary>
    public static string LastDay(DateTimeOffset expiresAt) => Ui.Format.Date(expiresAt.AddDays(-1));
}
