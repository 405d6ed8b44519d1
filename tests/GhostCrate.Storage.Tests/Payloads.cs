using GhostCrate.Core.Storage;

namespace GhostCrate.Storage.Tests;

internal static class Payloads
{
    /// <summary>Deterministic pseudo-random bytes, so a failure reproduces.</summary>
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static async Task<BlobPutResult> PutBytesAsync(this IBlobStore store, BlobKey key, byte[] bytes, BlobPutMode mode)
    {
        using var content = new MemoryStream(bytes, writable: false);
        return await store.PutAsync(key, content, mode, TestContext.Current.CancellationToken);
    }

    /// <summary>The blob's bytes, or null when it is missing; also checks that Length matches what was read.</summary>
    public static async Task<byte[]?> ReadBytesAsync(this IBlobStore store, BlobKey key)
    {
        await using var blob = await store.OpenReadAsync(key, TestContext.Current.CancellationToken);
        if (blob is null) return null;
        using var buffer = new MemoryStream();
        await blob.Stream.CopyToAsync(buffer, TestContext.Current.CancellationToken);
        Assert.Equal(blob.Length, buffer.Length);
        return buffer.ToArray();
    }

    public static async Task<List<string>> ListSortedAsync(this IBlobStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix, TestContext.Current.CancellationToken)) keys.Add(key);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
