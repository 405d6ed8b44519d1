using System.Net.Mail;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GhostCrate.Core.Options;

/// <summary>How the SMTP connection is secured: none (a relay on the same host), STARTTLS upgrade, or TLS from the first byte.</summary>
public enum SmtpTlsMode
{
    None,
    StartTls,
    Tls,
}

/// <summary>Section Email: SMTP delivery of notification emails (docs/notifications.md). Off unless Host is set.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>SMTP server; empty turns email off.</summary>
    public string? Host { get; set; }

    /// <summary>587 for STARTTLS (the submission port), 465 for TLS, 25 for a local relay.</summary>
    public int Port { get; set; } = 587;

    public SmtpTlsMode Tls { get; set; } = SmtpTlsMode.StartTls;

    /// <summary>
    /// A PEM file of certificates trusted for the SMTP server only, on top of the system's: a private CA, or the
    /// server's own self-signed certificate. The server's name is still checked against <see cref="Host"/>.
    /// </summary>
    public string? TrustedCertificatesFile { get; set; }

    /// <summary>What <see cref="TrustedCertificatesFile"/> holds ("SHA256 fingerprint subject"), for /admin/config.</summary>
    public IReadOnlyList<string> TrustedCertificates => [.. _trusted.Select(c => $"{c.GetCertHashString(HashAlgorithmName.SHA256)} {c.Subject}")];

    private X509Certificate2Collection _trusted = [];

    /// <summary>The certificates read from <see cref="TrustedCertificatesFile"/> at start-up (empty without one).</summary>
    public X509Certificate2Collection TrustedCertificateSet() => _trusted;

    /// <summary>SMTP user name; empty: no authentication.</summary>
    public string? User { get; set; }

    /// <summary>SMTP password, best given as GHOSTCRATE_Email__Password or through <see cref="PasswordFile"/>.</summary>
    public string? Password { get; set; }

    /// <summary>A file holding the SMTP password (a mounted secret); read once at start-up, trailing newline ignored.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>The sender, "GhostCrate &lt;registry@example.com&gt;" or a bare address.</summary>
    public string? From { get; set; }

    /// <summary>Connect, authenticate and send, each; a slower server counts as a failure and the job retries.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>
    /// Checks the section and reads <see cref="PasswordFile"/> into <see cref="Password"/>. Links in emails are built
    /// from Registry:PublicUrl only (never from a request's Host header), so email needs it.
    /// </summary>
    public static IEnumerable<string> ValidateAndLoad(EmailOptions options, RegistryOptions registry, string workingDirectory)
    {
        if (!options.Enabled)
        {
            yield break;
        }
        if (options.Host!.Contains("://", StringComparison.Ordinal) || options.Host.Contains('/'))
            yield return $"{Section}:Host must be a host name or address without scheme or path (got '{options.Host}')";
        if (options.Port is < 1 or > 65535) yield return $"{Section}:Port must be between 1 and 65535 (got {options.Port})";
        if (string.IsNullOrWhiteSpace(options.From) || !MailAddress.TryCreate(options.From, out _))
            yield return $"{Section}:From must be an email address such as \"GhostCrate <registry@example.com>\" (got '{options.From}')";
        if (string.IsNullOrWhiteSpace(registry.PublicUrl))
            yield return $"{Section}: email needs Registry:PublicUrl (links in emails are built from it, never from a request's Host header)";
        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(5))
            yield return $"{Section}:Timeout must be between 00:00:01 and 00:05:00";
        if (!string.IsNullOrEmpty(options.PasswordFile))
        {
            if (!string.IsNullOrEmpty(options.Password))
            {
                yield return $"{Section}:Password and {Section}:PasswordFile are both set; keep one";
                yield break;
            }
            var path = Path.GetFullPath(options.PasswordFile, workingDirectory);
            string? password = null;
            string? error = null;
            try
            {
                password = File.ReadAllText(path).TrimEnd('\r', '\n');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"{Section}:PasswordFile '{path}' cannot be read: {ex.Message}";
            }
            if (error is not null) yield return error;
            else options.Password = password;
        }
        if (!string.IsNullOrWhiteSpace(options.TrustedCertificatesFile))
        {
            foreach (var problem in LoadTrustedCertificates(options, workingDirectory)) yield return problem;
        }
        if (!string.IsNullOrEmpty(options.Password) && string.IsNullOrWhiteSpace(options.User))
            yield return $"{Section}:User is required when a password is set";
        if (!string.IsNullOrEmpty(options.User) && string.IsNullOrEmpty(options.Password))
            yield return $"{Section}:Password (or {Section}:PasswordFile) is required when {Section}:User is set";
    }

    private static IEnumerable<string> LoadTrustedCertificates(EmailOptions options, string workingDirectory)
    {
        var path = Path.GetFullPath(options.TrustedCertificatesFile!, workingDirectory);
        options.TrustedCertificatesFile = path;
        // Without TLS nothing is verified: a trust setting that does nothing would mislead whoever reads the config.
        if (options.Tls == SmtpTlsMode.None)
        {
            yield return $"{Section}:TrustedCertificatesFile has no effect with {Section}:Tls=None; use StartTls or Tls, or remove it";
            yield break;
        }
        var certificates = new X509Certificate2Collection();
        string? error = null;
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"{Section}:TrustedCertificatesFile '{path}' cannot be read: {ex.Message}";
        }
        catch (CryptographicException ex)
        {
            error = $"{Section}:TrustedCertificatesFile '{path}' is not a PEM file of certificates: {ex.Message}";
        }
        if (error is null && certificates.Count == 0)
            error = $"{Section}:TrustedCertificatesFile '{path}' holds no certificate (expected -----BEGIN CERTIFICATE----- blocks)";
        if (error is not null)
        {
            yield return error;
            yield break;
        }
        options._trusted = certificates;
    }
}
