using System.Security.Cryptography;
using GhostCrate.Core.Backup;
using GhostCrate.Core.Backup.Encryption;

namespace GhostCrate.Core.Tests.Backup;

/// <summary>The encrypted file format: streams round trip, and every kind of tampering fails naming the file.</summary>
public sealed class ChunkedAeadTests
{
    private const string Path = "blobs/crates/a/a-1.0.0.crate";
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ChunkedAead.ChunkSize - 1)]
    [InlineData(ChunkedAead.ChunkSize)]
    [InlineData(ChunkedAead.ChunkSize + 1)]
    [InlineData(3 * ChunkedAead.ChunkSize + 17)]
    public async Task Any_size_round_trips_and_the_ciphertext_has_the_predicted_size(int size)
    {
        var plain = RandomNumberGenerator.GetBytes(size);
        var sealedBytes = await EncryptAsync(plain, Path);
        Assert.Equal(ChunkedAead.EncryptedSize(size), sealedBytes.Length);
        Assert.Equal(plain, await DecryptAsync(sealedBytes, Key, Path));
    }

    [Fact]
    public async Task The_same_plaintext_encrypts_differently_each_time()
    {
        var plain = RandomNumberGenerator.GetBytes(100);
        Assert.NotEqual(await EncryptAsync(plain, Path), await EncryptAsync(plain, Path));
    }

    [Fact]
    public async Task A_flipped_byte_a_wrong_key_a_renamed_file_reordered_or_dropped_chunks_all_fail_naming_the_file()
    {
        var plain = RandomNumberGenerator.GetBytes(3 * ChunkedAead.ChunkSize + 100);
        var good = await EncryptAsync(plain, Path);
        var record = ChunkedAead.ChunkSize + ChunkedAead.TagSize;

        var flipped = (byte[])good.Clone();
        flipped[ChunkedAead.HeaderSize + record + 5] ^= 1;
        await AssertFailsAsync(flipped, Key, Path, "chunk 1");

        await AssertFailsAsync(good, RandomNumberGenerator.GetBytes(32), Path, "chunk 0");
        await AssertFailsAsync(good, Key, "blobs/crates/b/b-1.0.0.crate", "chunk 0", expectedPath: "blobs/crates/b/b-1.0.0.crate");

        // Chunks 0 and 1 swapped.
        var swapped = (byte[])good.Clone();
        Array.Copy(good, ChunkedAead.HeaderSize + record, swapped, ChunkedAead.HeaderSize, record);
        Array.Copy(good, ChunkedAead.HeaderSize, swapped, ChunkedAead.HeaderSize + record, record);
        await AssertFailsAsync(swapped, Key, Path, "chunk 0");

        // Cut at a chunk boundary: the last chunk left was not sealed as the last one.
        await AssertFailsAsync(good[..(ChunkedAead.HeaderSize + 2 * record)], Key, Path, "chunk 1");
        // The final chunk dropped and nothing else: the same.
        await AssertFailsAsync(good[..(ChunkedAead.HeaderSize + 3 * record)], Key, Path, "chunk 2");
        // Bytes appended after the final chunk.
        await AssertFailsAsync([.. good, 1, 2, 3], Key, Path, "chunk 3");
        // Not an encrypted file at all.
        await AssertFailsAsync(plain, Key, Path, "not an encrypted backup file");
    }

    private static async Task AssertFailsAsync(byte[] stored, byte[] key, string path, string expected, string expectedPath = Path)
    {
        var ex = await Assert.ThrowsAsync<BackupException>(() => DecryptAsync(stored, key, path));
        Assert.StartsWith(expectedPath + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> EncryptAsync(byte[] plain, string path)
    {
        using var source = new MemoryStream(plain);
        await using var encrypted = ChunkedAead.Encrypt(source, Key, path);
        using var output = new MemoryStream();
        // Small reads on purpose: the stream must not depend on the reader's buffer size.
        var buffer = new byte[1000];
        int read;
        while ((read = await encrypted.ReadAsync(buffer, Ct)) > 0) output.Write(buffer, 0, read);
        return output.ToArray();
    }

    private static async Task<byte[]> DecryptAsync(byte[] stored, byte[] key, string path)
    {
        await using var decrypted = ChunkedAead.Decrypt(new MemoryStream(stored), key, path);
        using var output = new MemoryStream();
        await decrypted.CopyToAsync(output, Ct);
        return output.ToArray();
    }
}
