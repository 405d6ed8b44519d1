namespace GhostCrate.Protocol.Client;

/// <summary>Body reads with a size cap, so a hostile or broken upstream cannot make us buffer without end.</summary>
public static class CappedCopy
{
    /// <returns>Bytes copied, or -1 once the source goes past <paramref name="maxBytes"/>.</returns>
    public static async Task<long> CopyAsync(Stream source, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > maxBytes) return -1;
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
        return total;
    }

    /// <returns>The whole body, or null when it is longer than <paramref name="maxBytes"/>.</returns>
    public static async Task<byte[]?> ReadAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes) return null;
        await using var body = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        return await CopyAsync(body, buffer, maxBytes, cancellationToken).ConfigureAwait(false) < 0 ? null : buffer.ToArray();
    }
}
