using System.Globalization;
using System.Text.Json;
using GhostCrate.Testing;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// A real SMTP server with STARTTLS (npm smtp-server, scripts/services/smtp-tls.sh) serving a certificate the test
/// made, started for one test and stopped with it. It accepts a login and mail on a plain connection too, so a client
/// that fell back to plain text would be seen: <see cref="ReceivedAsync"/> lists every login and message with whether
/// it came over TLS.
/// </summary>
public sealed class SmtpTlsServer : IAsyncDisposable
{
    public const string User = "ghostcrate";

    private readonly ServiceScript _service;

    private SmtpTlsServer(ServiceScript service, string password)
    {
        _service = service;
        Password = password;
        Port = int.Parse(service.Environment["GHOSTCRATE_TEST_SMTPTLS_PORT"], CultureInfo.InvariantCulture);
    }

    public string Host => "127.0.0.1";
    public int Port { get; }
    public string Password { get; }

    /// <summary>Starts a server presenting <paramref name="certificate"/>; without STARTTLS in its EHLO answer if <paramref name="offerStartTls"/> is false.</summary>
    public static async Task<SmtpTlsServer> StartAsync(TestCertificates certificate, bool offerStartTls = true)
    {
        // The npm services are run by scripts/test.sh; maildev's variable says this run has them (and node).
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GHOSTCRATE_TEST_SMTP_API")))
            Assert.Skip("GHOSTCRATE_TEST_SMTP_API is not set: run through scripts/test.sh (the STARTTLS server is npm smtp-server, scripts/services/smtp-tls.sh)");
        var password = Guid.NewGuid().ToString("N");
        var service = await ServiceScript.StartAsync("smtp-tls", async dir =>
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "cert.pem"), certificate.CertificatePem);
            await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), certificate.KeyPem);
            await File.WriteAllTextAsync(Path.Combine(dir, "password"), password);
            if (!offerStartTls) await File.WriteAllTextAsync(Path.Combine(dir, "no-starttls"), "");
        });
        return new SmtpTlsServer(service, password);
    }

    /// <summary>GhostCrate settings that send through this server with STARTTLS and a login.</summary>
    public Dictionary<string, string?> Settings(string publicUrl, string? trustedCertificatesFile) => new()
    {
        ["Registry:PublicUrl"] = publicUrl,
        ["Email:Host"] = Host,
        ["Email:Port"] = Port.ToString(CultureInfo.InvariantCulture),
        ["Email:Tls"] = "StartTls",
        ["Email:User"] = User,
        ["Email:Password"] = Password,
        ["Email:From"] = "GhostCrate <registry@crates.example.test>",
        ["Email:TrustedCertificatesFile"] = trustedCertificatesFile,
    };

    /// <summary>What the server saw, oldest first: logins (kind "auth") and messages (kind "message").</summary>
    public async Task<IReadOnlyList<JsonElement>> ReceivedAsync()
    {
        var path = _service.Environment["GHOSTCRATE_TEST_SMTPTLS_RECEIVED"];
        if (!File.Exists(path)) return [];
        var lines = await File.ReadAllLinesAsync(path);
        // The server appends whole lines; a line being written has no newline yet and is read on the next poll.
        return [.. lines.Where(l => l.EndsWith('}')).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    /// <summary>The messages whose envelope is addressed to <paramref name="address"/>.</summary>
    public async Task<IReadOnlyList<JsonElement>> MessagesToAsync(string address) =>
        [.. (await ReceivedAsync()).Where(e => e.GetProperty("kind").GetString() == "message"
            && e.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetString(), address, StringComparison.OrdinalIgnoreCase)))];

    public ValueTask DisposeAsync() => _service.DisposeAsync();
}
