using GhostCrate.Core.Notifications;
using GhostCrate.Core.Notifications.Chat;
using GhostCrate.Core.Notifications.Email;
using GhostCrate.Core.Options;

namespace GhostCrate.Core.Tests.Notifications;

/// <summary>backup.succeeded / backup.failed in a chat room (Slack, Teams): what happened, where, and why it failed.</summary>
public sealed class BackupChatMessageTests
{
    private static readonly EmailLinks Links = new(Microsoft.Extensions.Options.Options.Create(new RegistryOptions { PublicUrl = "https://crates.example.com" }));
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_failed_backup_says_where_to_and_why_and_links_the_backups_page()
    {
        var failed = RegistryEvent.Create(RegistryEventTypes.BackupFailed,
            new BackupEventData("s3://acme-backups/ghostcrate", null, Start, Start.AddSeconds(12.5), 12.5, 0, "S3 answered 403 AccessDenied"), Start);
        var message = ChatMessages.Compose(RegistryEvent.Parse(failed.ToJson()), Links);
        Assert.Equal("Backup FAILED", message.Title);
        Assert.Equal(["The backup to s3://acme-backups/ghostcrate failed after 12.5 s.", "S3 answered 403 AccessDenied"], message.Lines);
        Assert.Equal(new Uri("https://crates.example.com/admin/backups"), message.Link);
    }

    [Fact]
    public void A_successful_backup_names_the_backup_and_its_size()
    {
        var succeeded = RegistryEvent.Create(RegistryEventTypes.BackupSucceeded,
            new BackupEventData("/srv/backups", "20261205T030000Z", Start, Start.AddSeconds(3), 3, 2 * 1024 * 1024, null), Start);
        var message = ChatMessages.Compose(RegistryEvent.Parse(succeeded.ToJson()), Links);
        Assert.Equal("Backup succeeded", message.Title);
        Assert.Contains("20261205T030000Z", Assert.Single(message.Lines), StringComparison.Ordinal);
        Assert.Contains("/srv/backups", message.Lines[0], StringComparison.Ordinal);
    }
}
