using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace GhostCrate.Web.Notifications;

/// <summary>
/// Decides whether the SMTP server's certificate is trusted: the system's verdict first, then, for a chain the system
/// could not anchor, a second chain built against Email:TrustedCertificatesFile only (a private CA, or the server's
/// own self-signed certificate). The name check is never relaxed: a certificate for another host is refused even when
/// its issuer is trusted, so the setting trusts an issuer for this one connection and turns nothing off. Each refusal
/// comes with a reason an administrator can act on (the job's error and the log show it).
/// </summary>
public sealed class SmtpCertificateTrust(X509Certificate2Collection trusted, TimeProvider time)
{
    /// <summary>Why the last certificate was refused, or null.</summary>
    public string? Refusal { get; private set; }

    public bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        Refusal = Judge(certificate, chain, errors);
        return Refusal is null;
    }

    private string? Judge(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return null;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return "the server sent no certificate";
        // SslStream hands over an X509Certificate2; a copy is made (and disposed) only for another kind.
        using var copy = certificate as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        var leaf = copy ?? (X509Certificate2)certificate;
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return $"the certificate ({leaf.Subject}) is not valid for this host name";
        var system = Describe(chain);
        if (trusted.Count == 0)
            return $"the certificate ({leaf.Subject}, issued by {leaf.Issuer}) is not trusted: {system}; trust its CA or the certificate itself with Email:TrustedCertificatesFile";

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(trusted);
        // A private CA seldom publishes revocation lists, and a self-signed certificate has none to publish; whoever
        // sets the file vouches for these certificates and removes one from it to revoke it.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        // Intermediates the server sent along.
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return custom.Build(leaf)
            ? null
            : $"the certificate ({leaf.Subject}, issued by {leaf.Issuer}) is trusted neither by the system ({system}) nor by Email:TrustedCertificatesFile ({Describe(custom)})";
    }

    private static string Describe(X509Chain? chain)
    {
        var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
        return statuses.Count == 0 ? "no chain" : string.Join(", ", statuses);
    }
}
