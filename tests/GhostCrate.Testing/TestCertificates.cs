using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GhostCrate.Testing;

/// <summary>
/// Certificates made by the test for a TLS server of its own: a private CA and server certificates it issues (or
/// self-signed ones), written as PEM for servers outside .NET (smtp-server reads cert.pem and key.pem).
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    private readonly ECDsa _key;

    private TestCertificates(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePem => Certificate.ExportCertificatePem();

    public string KeyPem => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>The certificate's SHA-256 fingerprint in hex, as /admin/config shows it.</summary>
    public string Sha256 => Certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>A certificate authority valid from an hour ago for a day.</summary>
    public static TestCertificates NewAuthority(string name = "GhostCrate Test CA")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return new TestCertificates(request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1)), key);
    }

    /// <summary>A server certificate for <paramref name="names"/> (IP addresses or DNS names) issued by this authority.</summary>
    public TestCertificates IssueServer(params string[] names)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = ServerRequest(key, names);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(Certificate, now.AddMinutes(-30), now.AddHours(12), serial);
        return new TestCertificates(issued.CopyWithPrivateKey(key), key);
    }

    /// <summary>A self-signed server certificate for <paramref name="names"/>.</summary>
    public static TestCertificates SelfSignedServer(params string[] names)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        return new TestCertificates(ServerRequest(key, names).CreateSelfSigned(now.AddMinutes(-30), now.AddHours(12)), key);
    }

    private static CertificateRequest ServerRequest(ECDsa key, string[] names)
    {
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address)) san.AddIpAddress(address);
            else san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth], critical: false));
        return request;
    }

    /// <summary>Writes the certificate as PEM to a new temporary file and returns its path.</summary>
    public string WritePemFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gc-cert-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, CertificatePem);
        return path;
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
