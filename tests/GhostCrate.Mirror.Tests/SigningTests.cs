using System.Text;
using GhostCrate.Mirror.Signing;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

public sealed class SigningTests
{
    [Fact]
    public void Gpg_accepts_our_detached_armoured_signature_and_we_reject_altered_data()
    {
        using var gpg = new Gpg();
        var dir = TempDir.Create("sign");
        try
        {
            var data = Path.Combine(dir, "inventory.yaml");
            File.WriteAllText(data, "format: 1\nfiles: []\n");
            var signature = data + ".asc";
            using (var input = File.OpenRead(data))
            using (var key = File.OpenRead(gpg.SecretKeyFile))
            using (var output = File.Create(signature))
            {
                OpenPgpSignature.SignDetached(input, key, [], output);
            }
            Assert.StartsWith("-----BEGIN PGP SIGNATURE-----", File.ReadAllText(signature));

            var verified = gpg.Verify(signature, data);
            Assert.True(verified.Exit == 0, verified.StdErr);
            Assert.Contains("Good signature", verified.StdErr);

            using (var input = File.OpenRead(data))
            using (var sig = File.OpenRead(signature))
            using (var trusted = File.OpenRead(gpg.PublicKeyFile))
            {
                Assert.Matches("^[0-9A-F]{16}$", OpenPgpSignature.VerifyDetached(input, sig, trusted));
            }

            // Every byte of the signature file counts, armour included (headers, line ends, padding bits, CRC).
            var original = File.ReadAllBytes(signature);
            Assert.DoesNotContain("Version:", Encoding.ASCII.GetString(original));
            for (var position = 0; position < original.Length; position++)
            {
                var flipped = (byte[])original.Clone();
                flipped[position] ^= 0x01;
                using var input = File.OpenRead(data);
                using var trusted = File.OpenRead(gpg.PublicKeyFile);
                Assert.Throws<MirrorException>(() => OpenPgpSignature.VerifyDetached(input, new MemoryStream(flipped), trusted));
            }

            using var altered = new MemoryStream(Encoding.UTF8.GetBytes("format: 1\nfiles: [x]\n"));
            using var sig2 = File.OpenRead(signature);
            using var trusted2 = File.OpenRead(gpg.PublicKeyFile);
            var error = Assert.Throws<MirrorException>(() => OpenPgpSignature.VerifyDetached(altered, sig2, trusted2));
            Assert.Contains("does not match", error.Message);
            File.WriteAllText(data, "format: 1\nfiles: [x]\n");
            Assert.NotEqual(0, gpg.Verify(signature, data).Exit);
        }
        finally
        {
            TempDir.Delete(dir);
        }
    }
}
