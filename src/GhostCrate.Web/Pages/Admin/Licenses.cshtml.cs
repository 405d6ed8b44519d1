using GhostCrate.Core.Licenses;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>The licence report (docs/security.md, "Licences"): licences in use with counts, and every version with the registry policy's verdict.</summary>
public sealed class LicensesModel(LicenseService licenses) : AdminPageModel
{
    public LicenseReport Report { get; private set; } = new([], [], new LicensePolicy(LicensePolicy.RegistryName, LicensePolicyMode.Warn, [], [], true));
    public string? Filter { get; private set; }

    public async Task OnGetAsync([FromQuery(Name = "license")] string? license, CancellationToken cancellationToken)
    {
        Filter = string.IsNullOrWhiteSpace(license) ? null : license.Trim();
        var result = await licenses.ReportAsync(Caller, Filter, cancellationToken);
        if (result.Value is { } report) Report = report;
    }

    /// <summary>SPDX ids link to their page on spdx.org; `custom`, `invalid` and `LicenseRef-`s have none.</summary>
    public static string? SpdxUrl(string license)
    {
        var id = license.EndsWith('+') ? license[..^1] : license;
        return SpdxLicenseList.IsLicense(id) ? $"https://spdx.org/licenses/{id}.html" : null;
    }
}
