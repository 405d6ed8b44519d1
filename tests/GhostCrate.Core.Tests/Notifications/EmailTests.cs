using GhostCrate.Core.Notifications;
using GhostCrate.Core.Notifications.Email;
using GhostCrate.Core.Options;
using GhostCrate.Testing;

namespace GhostCrate.Core.Tests.Notifications;

/// <summary>Email settings checked at start-up, and the wording and escaping of the messages.</summary>
public sealed class EmailTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static EmailLinks Links(string publicUrl = "https://crates.example.com/registry") =>
        new(Microsoft.Extensions.Options.Options.Create(new RegistryOptions { PublicUrl = publicUrl }));

    private static List<string> Validate(EmailOptions email, string? publicUrl = "https://crates.example.com") =>
        EmailOptions.ValidateAndLoad(email, new RegistryOptions { PublicUrl = publicUrl }, Path.GetTempPath()).ToList();

    [Fact]
    public void Email_is_off_without_a_host_and_then_nothing_is_checked()
    {
        Assert.Empty(Validate(new EmailOptions { Port = -1 }, publicUrl: null));
    }

    [Fact]
    public void Settings_that_cannot_work_are_refused_naming_their_key()
    {
        var errors = Validate(new EmailOptions { Host = "smtp://mail.example.com", Port = 0, From = "not an address", User = "u" }, publicUrl: null);
        Assert.Contains(errors, e => e.StartsWith("Email:Host", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Email:Port", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Email:From", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Registry:PublicUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Email:Password", StringComparison.Ordinal));
        Assert.Contains(Validate(new EmailOptions { Host = "mail", From = "a@b.c", PasswordFile = "/nonexistent/gc-smtp-password" }), e => e.StartsWith("Email:PasswordFile", StringComparison.Ordinal));
    }

    [Fact]
    public void The_password_is_read_from_its_file_without_the_trailing_newline()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "s3cret pass\n");
            var email = new EmailOptions { Host = "mail.example.com", From = "GhostCrate <registry@example.com>", User = "ghostcrate", PasswordFile = file };
            Assert.Empty(Validate(email));
            Assert.Equal("s3cret pass", email.Password);
            Assert.Contains(Validate(new EmailOptions { Host = "mail", From = "a@b.c", User = "u", Password = "p", PasswordFile = file }), e => e.Contains("both set", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_trusted_certificates_file_is_read_at_start_up_and_a_file_that_cannot_work_is_refused()
    {
        using var ca = TestCertificates.NewAuthority();
        using var other = TestCertificates.NewAuthority("Another CA");
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, ca.CertificatePem + "\n" + other.CertificatePem + "\n");
            var email = new EmailOptions { Host = "mail.example.com", From = "a@b.c", TrustedCertificatesFile = Path.GetFileName(file) };
            var errors = EmailOptions.ValidateAndLoad(email, new RegistryOptions { PublicUrl = "https://crates.example.com" }, Path.GetDirectoryName(file)!).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            Assert.Equal(file, email.TrustedCertificatesFile); // made absolute, as shown on /admin/config
            Assert.Equal([ca.Sha256, other.Sha256], email.TrustedCertificateSet().Select(c => c.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)));
            Assert.Equal($"{ca.Sha256} CN=GhostCrate Test CA", email.TrustedCertificates[0]);

            // TLS off: the file would do nothing.
            Assert.Contains(Validate(new EmailOptions { Host = "mail", From = "a@b.c", Tls = SmtpTlsMode.None, TrustedCertificatesFile = file }),
                e => e.StartsWith("Email:TrustedCertificatesFile has no effect with Email:Tls=None", StringComparison.Ordinal));
            // A key, not a certificate; a missing file.
            File.WriteAllText(file, ca.KeyPem);
            Assert.Contains(Validate(new EmailOptions { Host = "mail", From = "a@b.c", TrustedCertificatesFile = file }),
                e => e.StartsWith("Email:TrustedCertificatesFile", StringComparison.Ordinal) && e.Contains("no certificate", StringComparison.Ordinal));
            Assert.Contains(Validate(new EmailOptions { Host = "mail", From = "a@b.c", TrustedCertificatesFile = "/nonexistent/gc-ca.pem" }),
                e => e.StartsWith("Email:TrustedCertificatesFile '/nonexistent/gc-ca.pem' cannot be read", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Links_are_absolute_under_the_public_url_with_its_path()
    {
        var links = Links();
        Assert.Equal("https://crates.example.com/registry/crates/acme-lib/1.0.0", links.Crate("acme-lib", "1.0.0").AbsoluteUri);
        Assert.Equal("https://crates.example.com/registry/me/notifications", links.Settings.AbsoluteUri);
        Assert.Equal("https://crates.example.com/registry/unsubscribe?token=a%2Bb%2F", links.Unsubscribe("a+b/").AbsoluteUri);
        Assert.Equal("crates.example.com", links.MessageIdDomain);
    }

    [Fact]
    public void Values_from_users_are_escaped_in_the_html_part_and_plain_in_the_text_part()
    {
        var registryEvent = RegistryEvent.Create(RegistryEventTypes.TokenCreated, new TokenEventData(7, "<script>alert(1)</script>", "olga", T0), T0);
        var content = EmailTemplates.Compose(registryEvent, Links())!;
        var links = Links();
        var unsubscribe = links.Unsubscribe("tok");
        var html = EmailRenderer.Html(content, links.Settings, unsubscribe);
        var text = EmailRenderer.Text(content, links.Settings, unsubscribe);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("\"<script>alert(1)</script>\" was created on your account olga", text, StringComparison.Ordinal);
        Assert.Contains("https://crates.example.com/registry/me#tokens", text, StringComparison.Ordinal);
        Assert.Contains("Unsubscribe from these emails: https://crates.example.com/registry/unsubscribe?token=tok", text, StringComparison.Ordinal);
        Assert.Contains("href=\"https://crates.example.com/registry/unsubscribe?token=tok\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_topic_has_a_template_and_events_map_to_topics()
    {
        var links = Links();
        Assert.NotNull(EmailTemplates.Compose(RegistryEvent.Create(RegistryEventTypes.CratePublished, new CratePublishedData("a", "1.0.0", "ab", 1, "olga", false), T0), links));
        Assert.Equal("a 1.0.0 was unyanked", EmailTemplates.Compose(RegistryEvent.Create(RegistryEventTypes.CrateUnyanked, new CrateYankData("a", "1.0.0", false), T0), links)!.Subject);
        Assert.Equal("mia is now an owner of a", EmailTemplates.Compose(RegistryEvent.Create(RegistryEventTypes.OwnersChanged, new OwnersChangedData("a", "added", "mia", ["olga", "mia"]), T0), links)!.Subject);
        Assert.Equal("Your API token \"ci\" expires tomorrow", EmailTemplates.Compose(RegistryEvent.Create(RegistryEventTypes.TokenExpiring, new TokenExpiringData(1, "ci", "olga", T0, 1), T0), links)!.Subject);
        Assert.Null(EmailTemplates.Compose(RegistryEvent.Create(RegistryEventTypes.TokenRevoked, new TokenEventData(1, "ci", "olga", null), T0), links));

        Assert.Equal(RegistryEventTypes.CrateYanked, EmailTopics.For(RegistryEventTypes.CrateUnyanked));
        Assert.Null(EmailTopics.For(RegistryEventTypes.TokenRevoked));
        Assert.True(EmailTopics.IsOn(new Dictionary<string, bool>(), RegistryEventTypes.CratePublished));
        Assert.False(EmailTopics.IsOn(new Dictionary<string, bool> { [RegistryEventTypes.CratePublished] = false }, RegistryEventTypes.CratePublished));
    }

    [Fact]
    public void A_yanks_reason_is_in_its_email_and_chat_message_and_a_yank_without_one_says_nothing_of_it()
    {
        var links = Links();
        var withReason = RegistryEvent.Create(RegistryEventTypes.CrateYanked, new CrateYankData("a", "1.0.0", true, "miscompiles on aarch64"), T0);
        Assert.Equal("miscompiles on aarch64", withReason.Data.GetProperty("reason").GetString());
        Assert.Contains("Reason given: miscompiles on aarch64", EmailTemplates.Compose(withReason, links)!.Paragraphs);
        Assert.Contains("Reason given: miscompiles on aarch64", GhostCrate.Core.Notifications.Chat.ChatMessages.Compose(withReason, links).Lines);

        var without = RegistryEvent.Create(RegistryEventTypes.CrateYanked, new CrateYankData("a", "1.0.0", true), T0);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, without.Data.GetProperty("reason").ValueKind);
        Assert.DoesNotContain(EmailTemplates.Compose(without, links)!.Paragraphs, p => p.StartsWith("Reason", StringComparison.Ordinal));
        Assert.Single(GhostCrate.Core.Notifications.Chat.ChatMessages.Compose(without, links).Lines);
    }

    [Fact]
    public void The_newer_events_have_templates_topics_and_chat_messages()
    {
        var links = Links();
        var advisory = RegistryEvent.Create(RegistryEventTypes.AdvisoryMatched, new AdvisoryMatchedData(
            "RUSTSEC-2021-0003", ["CVE-2021-25900"], "critical", null, "Overflow in <insert_many>", "https://rustsec.org/advisories/RUSTSEC-2021-0003.html",
            "smallvec", "1.6.0", "private", [">= 1.6.1"]), T0);
        var content = EmailTemplates.Compose(advisory, links)!;
        Assert.Equal("RUSTSEC-2021-0003 affects smallvec 1.6.0", content.Subject);
        var html = EmailRenderer.Html(content, links.Settings, links.Unsubscribe("t"));
        Assert.Contains("Overflow in &lt;insert_many&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Fixed in: &gt;= 1.6.1.", html, StringComparison.Ordinal);
        Assert.Equal("https://crates.example.com/registry/crates/smallvec/1.6.0", content.Link.AbsoluteUri);
        var warning = RegistryEvent.Create(RegistryEventTypes.AdvisoryMatched, new AdvisoryMatchedData(
            "RUSTSEC-2020-0002", [], "unknown", "unmaintained", "Unmaintained", null, "my-crate", "1.0.0", "private", []), T0);
        Assert.Contains("a warning (unmaintained)", EmailTemplates.Compose(warning, links)!.Paragraphs[0], StringComparison.Ordinal);
        Assert.Equal("No fixed version is listed.", EmailTemplates.Compose(warning, links)!.Paragraphs[1]);

        Assert.Equal("mia left acme", EmailTemplates.Compose(RegistryEvent.Create(RegistryEventTypes.OrgMemberChanged, new OrgMemberChangedData("acme", "mia", "removed", null, "member"), T0), links)!.Subject);
        Assert.Equal("https://crates.example.com/registry/orgs/acme", EmailTemplates.Compose(RegistryEvent.Create(RegistryEventTypes.OrgMemberChanged, new OrgMemberChangedData("acme", "mia", "added", "member", null), T0), links)!.Link.AbsoluteUri);
        Assert.Equal("Proxy upstream crates-io is back", EmailTemplates.Compose(RegistryEvent.Create(RegistryEventTypes.ProxyUpstreamUp, new ProxyUpstreamData("crates-io", T0, null), T0), links)!.Subject);

        Assert.Equal(RegistryEventTypes.ProxyUpstreamDown, EmailTopics.For(RegistryEventTypes.ProxyUpstreamUp));
        Assert.Equal(RegistryEventTypes.AdvisoryMatched, EmailTopics.For(RegistryEventTypes.AdvisoryMatched));
        Assert.DoesNotContain(EmailTopics.For(isAdmin: false), t => t.Name == RegistryEventTypes.ProxyUpstreamDown);
        Assert.Contains(EmailTopics.For(isAdmin: true), t => t.Name == RegistryEventTypes.ProxyUpstreamDown);

        // Chat rooms: a proxied finding links to the advisory (the crate page is not ours), a private one to the crate.
        var proxied = RegistryEvent.Create(RegistryEventTypes.AdvisoryMatched, new AdvisoryMatchedData(
            "RUSTSEC-2021-0003", [], "high", null, "t", "https://rustsec.org/advisories/RUSTSEC-2021-0003.html", "smallvec", "0.6.13", "proxy:crates-io", []), T0);
        Assert.Equal("https://rustsec.org/advisories/RUSTSEC-2021-0003.html", GhostCrate.Core.Notifications.Chat.ChatMessages.Compose(proxied, links).Link!.AbsoluteUri);
        Assert.Equal("https://crates.example.com/registry/crates/smallvec/1.6.0", GhostCrate.Core.Notifications.Chat.ChatMessages.Compose(advisory, links).Link!.AbsoluteUri);
        Assert.Equal("Proxy upstream crates-io is down", GhostCrate.Core.Notifications.Chat.ChatMessages.Compose(RegistryEvent.Create(RegistryEventTypes.ProxyUpstreamDown, new ProxyUpstreamData("crates-io", T0, "HTTP 503"), T0), links).Title);
    }
}
