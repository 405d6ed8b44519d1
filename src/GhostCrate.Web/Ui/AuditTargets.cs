using System.Text.RegularExpressions;

namespace GhostCrate.Web.Ui;

/// <summary>
/// The page an audit entry's target is about (`crate:NAME@VERSION`, `crate:NAME`, `user:NAME`, `org:NAME[:TEAM]`, the
/// forms Core writes), so the audit log links to it; null for targets without a page (tokens, webhooks, settings).
/// </summary>
public static partial class AuditTargets
{
    [GeneratedRegex(@"^(?<kind>crate|user|org):(?<name>[A-Za-z0-9_.+-]{1,64})(@(?<version>[0-9A-Za-z.+-]{1,64})|:(?<team>[A-Za-z0-9_-]{1,64}))?$")]
    private static partial Regex Target();

    public static string? Link(string? target)
    {
        if (target is null || Target().Match(target) is not { Success: true } m) return null;
        var name = Uri.EscapeDataString(m.Groups["name"].Value);
        var (version, team) = (m.Groups["version"], m.Groups["team"]);
        return m.Groups["kind"].Value switch
        {
            "crate" when version.Success => $"/crates/{name}/{Uri.EscapeDataString(version.Value)}",
            "crate" when !team.Success => $"/crates/{name}",
            "user" when !version.Success && !team.Success => $"/users/{name}",
            // A team (org:NAME:TEAM) is shown on its organization's page.
            "org" when !version.Success => $"/orgs/{name}",
            _ => null,
        };
    }
}
