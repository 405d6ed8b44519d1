using System.Text.Json;
using GhostCrate.Testing;
using MimeKit;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// The real SMTP server of the test lanes (npm maildev, started by scripts/services/smtp.sh; scripts/test.sh starts
/// one and exports GHOSTCRATE_TEST_SMTP_*). Tests share it and tell their messages apart by recipient address; a
/// test that stops the server starts one of its own. Messages are read as they arrived (the raw source) and parsed
/// with MimeKit.
/// </summary>
public sealed class MailDev
{
    private static readonly HttpClient Http = new();

    private MailDev(string host, int port, string user, string password, Uri api)
    {
        (Host, Port, User, Password, Api) = (host, port, user, password, api);
    }

    public string Host { get; }
    public int Port { get; }
    public string User { get; }
    public string Password { get; }
    public Uri Api { get; }

    public static MailDev Shared()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GHOSTCRATE_TEST_SMTP_API")))
            Assert.Skip("GHOSTCRATE_TEST_SMTP_API is not set: run through scripts/test.sh, which starts maildev (scripts/services/smtp.sh)");
        return From(name => Environment.GetEnvironmentVariable(name));
    }

    /// <summary>A server started by this test (scripts/services/smtp.sh in a directory of its own).</summary>
    public static MailDev Of(ServiceScript service) => From(name => service.Environment.GetValueOrDefault(name));

    private static MailDev From(Func<string, string?> env) => new(
        env("GHOSTCRATE_TEST_SMTP_HOST")!, int.Parse(env("GHOSTCRATE_TEST_SMTP_PORT")!, System.Globalization.CultureInfo.InvariantCulture),
        env("GHOSTCRATE_TEST_SMTP_USER")!, env("GHOSTCRATE_TEST_SMTP_PASSWORD")!, new Uri(env("GHOSTCRATE_TEST_SMTP_API")!));

    /// <summary>GhostCrate settings that send through this server (plain SMTP on loopback, with authentication).</summary>
    public Dictionary<string, string?> Settings(string publicUrl) => new()
    {
        ["Registry:PublicUrl"] = publicUrl,
        ["Email:Host"] = Host,
        ["Email:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:Tls"] = "None",
        ["Email:User"] = User,
        ["Email:Password"] = Password,
        ["Email:From"] = "GhostCrate <registry@crates.example.test>",
        // Every email is a job on the queue: poll it often, so a test waits for the message, not for the poll.
        ["Jobs:PollInterval"] = "00:00:00.100",
    };

    /// <summary>The message with this subject to this address, once it arrived (polled with a deadline).</summary>
    public async Task<MimeMessage> WaitForSubjectAsync(string address, string subject)
    {
        MimeMessage? found = null;
        await Eventually.TrueAsync(async () => (found = (await MessagesToAsync(address)).FirstOrDefault(m => m.Subject == subject)) is not null,
            $"an email \"{subject}\" to {address} arrives", TimeSpan.FromSeconds(30));
        return found!;
    }

    /// <summary>Every message received for <paramref name="address"/>, oldest first.</summary>
    public async Task<IReadOnlyList<MimeMessage>> MessagesToAsync(string address)
    {
        var list = JsonDocument.Parse(await Http.GetStringAsync(new Uri(Api, "/api/email"))).RootElement;
        var messages = new List<MimeMessage>();
        foreach (var item in list.EnumerateArray())
        {
            if (!item.GetProperty("to").GetRawText().Contains(address, StringComparison.OrdinalIgnoreCase)) continue;
            var id = item.GetProperty("id").GetString()!;
            await using var source = await Http.GetStreamAsync(new Uri(Api, $"/api/email/{Uri.EscapeDataString(id)}/source"));
            messages.Add(await MimeMessage.LoadAsync(source));
        }
        return messages.OrderBy(m => m.Date).ToList();
    }

    /// <summary>Polls (with a deadline, no fixed sleeps) until <paramref name="count"/> messages for the address arrived.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(string address, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var messages = await MessagesToAsync(address);
            if (messages.Count >= count) return messages;
            if (DateTime.UtcNow > deadline) Assert.Fail($"{messages.Count} of {count} messages to {address} arrived within the deadline");
            await Task.Delay(50);
        }
    }
}
