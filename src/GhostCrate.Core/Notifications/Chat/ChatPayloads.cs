using System.Text.Json;
using System.Text.Json.Nodes;

namespace GhostCrate.Core.Notifications.Chat;

/// <summary>The request bodies chat services accept on their incoming webhooks.</summary>
public static class ChatPayloads
{
    /// <summary>
    /// A Slack incoming-webhook message (https://api.slack.com/messaging/webhooks): "text" is the notification and
    /// fallback, "blocks" the laid-out message (https://api.slack.com/reference/block-kit/blocks). Slack's mrkdwn
    /// treats &amp;, &lt; and &gt; as control characters, so user values are escaped
    /// (https://api.slack.com/reference/surfaces/formatting#escaping).
    /// </summary>
    public static string Slack(ChatMessage message)
    {
        var body = string.Join("\n", message.Lines.Select(SlackEscape));
        if (message.Link is { } link) body += $"\n<{link.AbsoluteUri}|{SlackEscape(message.LinkLabel ?? link.AbsoluteUri)}>";
        var payload = new JsonObject
        {
            ["text"] = $"{SlackEscape(message.Title)}: {string.Join(" ", message.Lines.Select(SlackEscape))}",
            ["blocks"] = new JsonArray
            {
                new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(message.Title, 150) } },
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Truncate(body, 3000) } },
            },
        };
        return payload.ToJsonString();
    }

    /// <summary>
    /// A Microsoft Teams Workflows ("Post to a channel when a webhook request is received") message: one Adaptive
    /// Card attachment (https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-reference#adaptive-card),
    /// card schema 1.4, the version Teams renders. The retired Office 365 connectors' MessageCard is not used.
    /// </summary>
    public static string Teams(ChatMessage message)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = message.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
        };
        foreach (var line in message.Lines) body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = line, ["wrap"] = true });
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (message.Link is { } link)
            card["actions"] = new JsonArray { new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = message.LinkLabel ?? "Open", ["url"] = link.AbsoluteUri } };
        var payload = new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card },
            },
        };
        return payload.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });
    }

    private static string SlackEscape(string value) => value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}
