using GhostCrate.Core.Notifications;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// Builds advisory.matched events (docs/notifications.md). The repository writes them in the transaction that stores
/// a finding for the first time, so the event and the "announced" mark commit together.
/// </summary>
public static class AdvisoryMatchedEvent
{
    /// <summary>The event for one new finding; <paramref name="crateName"/> is the crate's name as the registry shows it.</summary>
    public static RegistryEvent Create(Advisory advisory, AffectedVersion finding, string crateName, DateTimeOffset now) =>
        RegistryEvent.Create(RegistryEventTypes.AdvisoryMatched, new AdvisoryMatchedData(
            advisory.Id,
            advisory.Aliases,
            advisory.Severity.ToString().ToLowerInvariant(),
            advisory.Informational,
            advisory.Title,
            advisory.Url ?? $"https://rustsec.org/advisories/{advisory.Id}.html",
            crateName,
            finding.Version,
            finding.Source,
            advisory.Versions.Patched), now);
}
