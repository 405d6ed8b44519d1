using GhostCrate.Core.Notifications;
using GhostCrate.Core.Notifications.Email;

namespace GhostCrate.Core.Tests.Notifications;

/// <summary>
/// docs/notifications.md is the published schema of every event (issue 21): each event type has its row in the
/// events table, and each email topic its row in the email table, so an event added in code cannot go undocumented.
/// </summary>
public sealed class NotificationDocsTests
{
    private static string Section(string heading)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "GhostCrate.slnx"))) directory = directory.Parent;
        Assert.NotNull(directory);
        var text = File.ReadAllText(Path.Combine(directory.FullName, "docs", "notifications.md"));
        var start = text.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/notifications.md has no section {heading}");
        var end = text.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }

    [Fact]
    public void Every_event_type_has_a_row_with_its_data_in_the_events_table()
    {
        var events = Section("Events");
        foreach (var type in RegistryEventTypes.All.Append(RegistryEventTypes.Test))
        {
            var row = events.Split('\n').SingleOrDefault(l => l.StartsWith($"| `{type}` |", StringComparison.Ordinal));
            Assert.True(row is not null, $"docs/notifications.md lists no event `{type}`");
            Assert.Equal(3, row!.Split(" | ").Length); // "| `type`", when, "data |"
        }
    }

    [Fact]
    public void Every_email_topic_and_the_events_it_covers_are_in_the_email_table()
    {
        var rows = Section("Email").Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        foreach (var topic in EmailTopics.All)
        {
            Assert.Contains(rows, r => r.TrimEnd().EndsWith($"| `{topic.Name}` |", StringComparison.Ordinal)
                                       || r.Contains($"| `{topic.Name}` (", StringComparison.Ordinal));
        }
        foreach (var type in RegistryEventTypes.All.Where(t => EmailTopics.For(t) is not null))
        {
            Assert.Contains(rows, r => r.Split(" | ")[0].Contains($"`{type}`", StringComparison.Ordinal));
        }
    }
}
