namespace GhostCrate.Core.Notifications;

/// <summary>
/// Encrypts webhook signing secrets for storage (the host uses the server's Data Protection key ring, which every node
/// shares through the database, so any node reads any node's rows). Signing needs the secret itself, so it is
/// encrypted, not hashed.
/// </summary>
public interface IWebhookSecretProtector
{
    /// <summary>The stored form: <see cref="Prefix"/> followed by the protected secret.</summary>
    string Protect(string secret);

    /// <summary>The secret, or null when the stored form was altered or its key is not in the ring.</summary>
    string? Unprotect(string stored);

    /// <summary>Marks a protected secret; a stored secret without it is plaintext from before encryption ("whsec_...").</summary>
    const string Prefix = "dp1:";
}
