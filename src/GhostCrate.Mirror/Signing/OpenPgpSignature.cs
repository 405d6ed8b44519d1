using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace GhostCrate.Mirror.Signing;

/// <summary>
/// OpenPGP detached, ASCII-armoured signatures (RFC 4880 §11.4) with BouncyCastle.Cryptography, so `gpg --verify
/// inventory.yaml.asc inventory.yaml` checks them with no GhostCrate on the machine. The armour has exactly one
/// accepted form (<see cref="ArmoredSignature"/>). Binary-document signatures
/// (type 0x00): the inventory is hashed byte for byte, no line-ending games.
/// </summary>
public static class OpenPgpSignature
{
    /// <summary>Signs <paramref name="data"/> with the first signing-capable secret key in an armoured (or binary) key file.</summary>
    public static void SignDetached(Stream data, Stream secretKeyFile, char[] passphrase, Stream output)
    {
        var secretKey = FindSigningKey(secretKeyFile);
        PgpPrivateKey privateKey;
        try
        {
            privateKey = secretKey.ExtractPrivateKey(passphrase);
        }
        catch (PgpException ex)
        {
            throw new MirrorException($"cannot unlock the secret key {secretKey.KeyId:X16} (wrong passphrase?): {ex.Message}");
        }
        var generator = new PgpSignatureGenerator(secretKey.PublicKey.Algorithm, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.BinaryDocument, privateKey);
        var subpackets = new PgpSignatureSubpacketGenerator();
        subpackets.SetSignatureCreationTime(false, DateTime.UtcNow);
        subpackets.SetIssuerKeyID(false, secretKey.KeyId);
        generator.SetHashedSubpackets(subpackets.Generate());
        Update(generator.Update, data);

        var packets = new MemoryStream();
        using (var bcpg = new BcpgOutputStream(packets))
        {
            generator.Generate().Encode(bcpg);
        }
        var armored = Encoding.ASCII.GetBytes(ArmoredSignature.Write(packets.ToArray()));
        output.Write(armored, 0, armored.Length);
    }

    /// <summary>Checks a detached signature against the trusted public keys; returns the signing key id (hex).</summary>
    /// <exception cref="MirrorException">Unreadable signature, unknown key, or a signature that does not match.</exception>
    public static string VerifyDetached(Stream data, Stream signatureFile, Stream trustedPublicKeys)
    {
        PgpSignature signature;
        try
        {
            signature = FirstSignature(new PgpObjectFactory(ArmoredSignature.Read(signatureFile)));
        }
        catch (Exception ex) when (ex is IOException or PgpException)
        {
            throw new MirrorException($"the signature is not a readable OpenPGP signature: {ex.Message}");
        }
        return Verify(signature, data, trustedPublicKeys, "the bundle", "the inventory: the bundle was altered");
    }

    /// <summary>
    /// Checks a detached signature made elsewhere (the Rust release team's `.asc` files, armoured by gpg with whatever
    /// headers it writes, or binary): read with BouncyCastle's own armour reader, which checks the CRC-24.
    /// </summary>
    /// <param name="what">What was signed, for messages (`channel-rust-stable.toml`).</param>
    public static string VerifyExternal(Stream data, byte[] signatureFile, Stream trustedPublicKeys, string what)
    {
        if (signatureFile.Length > ArmoredSignature.MaxFileBytes) throw new MirrorException($"the signature of {what} is larger than any signature");
        PgpSignature signature;
        try
        {
            signature = FirstSignature(new PgpObjectFactory(PgpUtilities.GetDecoderStream(new MemoryStream(signatureFile))));
        }
        catch (Exception ex) when (ex is IOException or PgpException)
        {
            throw new MirrorException($"the signature of {what} is not a readable OpenPGP signature: {ex.Message}");
        }
        return Verify(signature, data, trustedPublicKeys, what, $"{what}: it was altered or signed by someone else");
    }

    private static PgpSignature FirstSignature(PgpObjectFactory factory)
    {
        var list = factory.NextPgpObject() switch
        {
            PgpSignatureList l => l,
            PgpCompressedData c => new PgpObjectFactory(c.GetDataStream()).NextPgpObject() as PgpSignatureList,
            _ => null,
        };
        return list is { Count: > 0 } ? list[0] : throw new MirrorException("the signature file holds no OpenPGP signature");
    }

    private static string Verify(PgpSignature signature, Stream data, Stream trustedPublicKeys, string subject, string mismatch)
    {
        PgpPublicKey? key;
        try
        {
            var keys = new PgpPublicKeyRingBundle(PgpUtilities.GetDecoderStream(trustedPublicKeys));
            key = keys.GetPublicKey(signature.KeyId);
        }
        catch (Exception ex) when (ex is IOException or PgpException)
        {
            throw new MirrorException($"the trusted key file is not an OpenPGP public key: {ex.Message}");
        }
        if (key is null) throw new MirrorException($"{subject} is signed by key {signature.KeyId:X16}, which is not a trusted key");
        signature.InitVerify(key);
        Update(signature.Update, data);
        if (!signature.Verify()) throw new MirrorException($"the signature by key {signature.KeyId:X16} does not match {mismatch}");
        return signature.KeyId.ToString("X16");
    }

    private static PgpSecretKey FindSigningKey(Stream secretKeyFile)
    {
        try
        {
            var bundle = new PgpSecretKeyRingBundle(PgpUtilities.GetDecoderStream(secretKeyFile));
            foreach (PgpSecretKeyRing ring in bundle.GetKeyRings())
            {
                foreach (PgpSecretKey key in ring.GetSecretKeys())
                {
                    if (key.IsSigningKey && !key.PublicKey.HasRevocation()) return key;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or PgpException)
        {
            throw new MirrorException($"the key file is not an OpenPGP secret key: {ex.Message}");
        }
        throw new MirrorException("the key file holds no secret key that can sign");
    }

    private static void Update(Action<byte[], int, int> update, Stream data)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = data.Read(buffer, 0, buffer.Length)) > 0) update(buffer, 0, read);
    }
}
