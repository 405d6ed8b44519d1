using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using GhostCrate.Testing;
using GhostCrate.Web.Notifications;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// What Email:TrustedCertificatesFile trusts, judged as SslStream hands a certificate over (the system's chain and its
/// errors): a private CA's server certificate or a self-signed one in the file, and nothing else. A wrong name, another
/// CA or an expired certificate is still refused. StartTlsEmailTests shows the same against a real SMTP server.
/// </summary>
public sealed class SmtpCertificateTrustTests
{
    [Fact]
    public void A_certificate_issued_by_a_trusted_CA_is_accepted_and_one_from_another_CA_is_refused_with_its_reason()
    {
        using var ca = TestCertificates.NewAuthority();
        using var other = TestCertificates.NewAuthority("Another CA");
        using var server = ca.IssueServer("127.0.0.1");
        using var stranger = other.IssueServer("127.0.0.1");

        var trust = Trust(ca);
        Assert.True(Judge(trust, server), trust.Refusal);
        Assert.Null(trust.Refusal);

        Assert.False(Judge(trust, stranger));
        Assert.Contains("CN=127.0.0.1, issued by CN=Another CA", trust.Refusal, StringComparison.Ordinal);
        Assert.Contains("nor by Email:TrustedCertificatesFile", trust.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void The_servers_own_self_signed_certificate_can_be_trusted()
    {
        using var server = TestCertificates.SelfSignedServer("127.0.0.1");
        using var another = TestCertificates.SelfSignedServer("127.0.0.1");
        var trust = Trust(server);
        Assert.True(Judge(trust, server), trust.Refusal);
        Assert.False(Judge(trust, another));
    }

    [Fact]
    public void Without_a_file_an_unknown_issuer_is_refused_and_the_reason_names_the_setting()
    {
        using var ca = TestCertificates.NewAuthority();
        using var server = ca.IssueServer("127.0.0.1");
        var trust = new SmtpCertificateTrust([], TimeProvider.System);
        Assert.False(Judge(trust, server));
        Assert.StartsWith("the certificate (CN=127.0.0.1, issued by CN=GhostCrate Test CA) is not trusted: ", trust.Refusal, StringComparison.Ordinal);
        Assert.EndsWith("trust its CA or the certificate itself with Email:TrustedCertificatesFile", trust.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trusted_issuer_does_not_excuse_a_wrong_name_or_an_expired_certificate()
    {
        using var ca = TestCertificates.NewAuthority();
        using var server = ca.IssueServer("mail.example.test");
        var trust = Trust(ca);
        using (var chain = SystemChain(server))
            Assert.False(trust.Validate(server.Certificate, chain, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Equal("the certificate (CN=mail.example.test) is not valid for this host name", trust.Refusal);

        // Checked at the time of the clock the server runs on: two days on, the certificate (12 hours) has expired.
        var later = new SmtpCertificateTrust([ca.Certificate], new Support.ManualClock(DateTimeOffset.UtcNow.AddDays(2)));
        Assert.False(Judge(later, server));
        Assert.Contains("NotTimeValid", later.Refusal, StringComparison.Ordinal);

        Assert.False(trust.Validate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.Equal("the server sent no certificate", trust.Refusal);
    }

    private static SmtpCertificateTrust Trust(TestCertificates trusted) => new([trusted.Certificate], TimeProvider.System);

    /// <summary>As SslStream calls it for a certificate whose name matches but whose chain the system cannot anchor.</summary>
    private static bool Judge(SmtpCertificateTrust trust, TestCertificates server)
    {
        using var chain = SystemChain(server);
        return trust.Validate(server.Certificate, chain, SslPolicyErrors.RemoteCertificateChainErrors);
    }

    private static X509Chain SystemChain(TestCertificates server)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.False(chain.Build(server.Certificate), "the system trusts a certificate made by this test");
        return chain;
    }
}
