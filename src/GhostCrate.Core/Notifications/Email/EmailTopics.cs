namespace GhostCrate.Core.Notifications.Email;

/// <summary>One kind of email a user can turn on or off (the settings page lists them in this order).</summary>
public sealed record EmailTopic(string Name, string Label);

/// <summary>
/// The kinds of email GhostCrate sends. A topic is named after the event that causes it (yanks and unyanks share
/// one). Every topic is on until the user turns it off: owners hear about their crates and every user about their
/// own tokens, as crates.io does for publishes and tokens.
/// </summary>
public static class EmailTopics
{
    public static IReadOnlyList<EmailTopic> All { get; } =
    [
        new(RegistryEventTypes.CratePublished, "A new version of a crate I own is published"),
        new(RegistryEventTypes.CrateYanked, "A version of a crate I own is yanked or unyanked"),
        new(RegistryEventTypes.OwnersChanged, "The owners of a crate I own change"),
        new(RegistryEventTypes.TokenCreated, "An API token is created on my account"),
        new(RegistryEventTypes.TokenExpiring, "One of my API tokens expires soon (7 days and 1 day before)"),
    ];

    /// <summary>The topic an event belongs to; null for events that send no email.</summary>
    public static string? For(string eventType) => eventType switch
    {
        RegistryEventTypes.CratePublished => RegistryEventTypes.CratePublished,
        RegistryEventTypes.CrateYanked or RegistryEventTypes.CrateUnyanked => RegistryEventTypes.CrateYanked,
        RegistryEventTypes.OwnersChanged => RegistryEventTypes.OwnersChanged,
        RegistryEventTypes.TokenCreated => RegistryEventTypes.TokenCreated,
        RegistryEventTypes.TokenExpiring => RegistryEventTypes.TokenExpiring,
        _ => null,
    };

    public static bool IsKnown(string topic) => All.Any(t => t.Name == topic);

    /// <summary>Whether the user wants <paramref name="topic"/>: their choice, or on when they made none.</summary>
    public static bool IsOn(IReadOnlyDictionary<string, bool> choices, string topic) =>
        !choices.TryGetValue(topic, out var on) || on;
}
