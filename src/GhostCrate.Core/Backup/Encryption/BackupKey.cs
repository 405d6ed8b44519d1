using System.Security.Cryptography;
using System.Text;

namespace GhostCrate.Core.Backup.Encryption;

/// <summary>
/// How an encrypted backup's master key is made, as the manifest records it (never the key itself):
/// <paramref name="Key"/> is "key-file" (32 random bytes from a file) or "passphrase" (PBKDF2-SHA256 with
/// <paramref name="Iterations"/> and the hex <paramref name="Salt"/>); <paramref name="KeyId"/> tells a wrong key from
/// a damaged file before any file is read; <paramref name="ManifestMac"/> authenticates the manifest's bytes.
/// </summary>
public sealed record BackupEncryption(string Algorithm, int ChunkSize, string Key, int? Iterations, string? Salt, string KeyId, string ManifestMac)
{
    public const string AlgorithmName = "aes-256-gcm-stream-v1";
    public const string KeyFile = "key-file";
    public const string Passphrase = "passphrase";
}

/// <summary>A master key and what the manifest says about it.</summary>
public sealed class BackupKey
{
    private static readonly byte[] KeyIdInfo = "ghostcrate backup key id v1"u8.ToArray();

    private BackupKey(byte[] master, string kind, int? iterations, string? salt)
    {
        Master = master;
        Kind = kind;
        Iterations = iterations;
        Salt = salt;
        KeyId = Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 16, salt: [], info: KeyIdInfo));
    }

    public byte[] Master { get; }

    public string Kind { get; }

    public int? Iterations { get; }

    public string? Salt { get; }

    /// <summary>Derived from the key one way: equal ids mean the same key, and the id reveals nothing of the key.</summary>
    public string KeyId { get; }

    /// <summary>The manifest's encryption entry for this key (its MAC is filled in by <see cref="ManifestMac"/>).</summary>
    public BackupEncryption Describe() => new(BackupEncryption.AlgorithmName, ChunkedAead.ChunkSize, Kind, Iterations, Salt, KeyId, ManifestMac.Placeholder);

    public static BackupKey FromKeyFileBytes(byte[] master) => new(master, BackupEncryption.KeyFile, null, null);

    /// <summary>
    /// PBKDF2-SHA256 (RFC 8018) with <paramref name="iterations"/> rounds over a random or recorded salt: OWASP's
    /// Password Storage Cheat Sheet asks for 600,000 rounds of PBKDF2-HMAC-SHA256.
    /// </summary>
    public static BackupKey FromPassphrase(string passphrase, byte[] salt, int iterations) =>
        new(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 32),
            BackupEncryption.Passphrase, iterations, Convert.ToHexStringLower(salt));
}

/// <summary>
/// Where the key comes from (settings or the command line): a key file, or a passphrase. A passphrase is stretched
/// with the salt a backup records; a new backup reuses the salt of the target's newest one when the passphrase is the
/// same, so incremental backups can reference its files (they are encrypted under the same master key).
/// </summary>
public sealed class BackupKeySource
{
    public const int PassphraseIterations = 600_000;
    private const int MinPassphraseLength = 12;
    private readonly byte[]? _keyFileBytes;
    private readonly string? _passphrase;

    private BackupKeySource(byte[]? keyFileBytes, string? passphrase, string describe)
    {
        _keyFileBytes = keyFileBytes;
        _passphrase = passphrase;
        Describe = describe;
    }

    /// <summary>Where the key came from, for messages (never the key).</summary>
    public string Describe { get; }

    /// <summary>
    /// Reads a key file: exactly 32 bytes, or 64 hex digits, or the base64 of 32 bytes (`head -c 32 /dev/urandom`,
    /// `openssl rand -hex 32` and `openssl rand -base64 32` all make one).
    /// </summary>
    public static BackupKeySource FromKeyFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupException($"{path}: the backup key file cannot be read: {ex.Message}");
        }
        if (bytes.Length == 32) return new BackupKeySource(bytes, null, $"key file {path}");
        var text = Encoding.ASCII.GetString(bytes).Trim();
        if (text.Length == 64 && text.All(Uri.IsHexDigit)) return new BackupKeySource(Convert.FromHexString(text), null, $"key file {path}");
        var decoded = new byte[48];
        if (Convert.TryFromBase64String(text, decoded, out var written) && written == 32) return new BackupKeySource(decoded[..32], null, $"key file {path}");
        throw new BackupException($"{path}: a backup key file holds 32 random bytes, 64 hex digits or their base64 (make one with `openssl rand -hex 32`)");
    }

    public static BackupKeySource FromPassphrase(string passphrase, string from)
    {
        if (passphrase.Length < MinPassphraseLength)
            throw new BackupException($"the backup passphrase in {from} is shorter than {MinPassphraseLength} characters");
        return new BackupKeySource(null, passphrase, $"passphrase in {from}");
    }

    /// <summary>The key for a new backup, reusing <paramref name="previous"/>'s salt when that backup used this passphrase.</summary>
    public BackupKey ForNewBackup(BackupEncryption? previous)
    {
        if (_keyFileBytes is not null) return BackupKey.FromKeyFileBytes(_keyFileBytes);
        if (previous is { Key: BackupEncryption.Passphrase, Salt: { } salt, Iterations: { } iterations })
        {
            var reused = BackupKey.FromPassphrase(_passphrase!, Convert.FromHexString(salt), iterations);
            if (reused.KeyId == previous.KeyId) return reused;
        }
        return BackupKey.FromPassphrase(_passphrase!, RandomNumberGenerator.GetBytes(16), PassphraseIterations);
    }

    /// <summary>The key that opens a backup encrypted as <paramref name="encryption"/> says; refuses a key that is not it.</summary>
    public BackupKey ForExisting(BackupEncryption encryption)
    {
        BackupKey key;
        if (encryption.Key == BackupEncryption.KeyFile)
        {
            if (_keyFileBytes is null) throw new BackupException($"{BackupManifest.FileName}: the backup was encrypted with a key file; give it (--key-file FILE), not a passphrase");
            key = BackupKey.FromKeyFileBytes(_keyFileBytes);
        }
        else if (encryption.Key == BackupEncryption.Passphrase && encryption.Salt is { } salt && encryption.Iterations is { } iterations and > 0 and <= 10_000_000)
        {
            if (_passphrase is null) throw new BackupException($"{BackupManifest.FileName}: the backup was encrypted with a passphrase; give it (--passphrase-env VAR), not a key file");
            key = BackupKey.FromPassphrase(_passphrase, Convert.FromHexString(salt), iterations);
        }
        else
        {
            throw new BackupException($"{BackupManifest.FileName}: unknown encryption key kind '{encryption.Key}'");
        }
        if (key.KeyId != encryption.KeyId)
            throw new BackupException($"{BackupManifest.FileName}: the {Describe} is not the key this backup was encrypted with (key id {key.KeyId}, the backup's is {encryption.KeyId})");
        return key;
    }
}
