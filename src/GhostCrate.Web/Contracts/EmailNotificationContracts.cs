using System.Text.Json.Serialization;
using GhostCrate.Core.Notifications.Email;

namespace GhostCrate.Web.Contracts;

/// <summary>One kind of email and whether the caller gets it.</summary>
public sealed record EmailTopicInfo(
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("enabled")] bool Enabled);

/// <summary>GET and PUT /api/v1/me/notifications: where emails go (null: no address, so none are sent) and each topic.</summary>
public sealed record EmailSettingsResponse(
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("topics")] IReadOnlyList<EmailTopicInfo> Topics)
{
    public static EmailSettingsResponse Of(EmailSettings settings) =>
        new(settings.Email, settings.Choices.Select(c => new EmailTopicInfo(c.Topic.Name, c.Topic.Label, c.Enabled)).ToList());
}

/// <summary>Body of PUT /api/v1/me/notifications: topics to switch on (true) or off (false); topics left out keep their choice.</summary>
public sealed class EmailSettingsBody
{
    [JsonPropertyName("topics")] public Dictionary<string, bool>? Topics { get; init; }
}
