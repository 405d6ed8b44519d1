namespace GhostCrate.Storage.S3;

/// <summary>
/// A PUT needs its length up front (we turn chunked uploads off for compatibility) and the SDK rewinds the body to
/// retry, so the body must be seekable and start at position 0. Anything else, such as a request body or a proxied
/// download, is first spooled to a temp file: crates are small (10 MiB by default), and a file keeps memory flat when
/// many uploads run at once.
/// </summary>
internal sealed class SeekableBody : IAsyncDisposable
{
    private readonly bool _owned;

    private SeekableBody(Stream stream, bool owned)
    {
        Stream = stream;
        _owned = owned;
    }

    public Stream Stream { get; }

    public static async Task<SeekableBody> CreateAsync(Stream content, CancellationToken cancellationToken)
    {
        if (content.CanSeek && content.Position == 0) return new SeekableBody(content, owned: false);

        var spool = new FileStream(
            Path.Combine(Path.GetTempPath(), $"ghostcrate-s3-{Guid.NewGuid():N}.tmp"),
            FileMode.CreateNew,
            FileAccess.ReadWrite,
            FileShare.None,
            bufferSize: 81920,
            // DeleteOnClose: the spool disappears with the stream, even when the upload fails or is cancelled.
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await content.CopyToAsync(spool, cancellationToken);
            spool.Position = 0;
            return new SeekableBody(spool, owned: true);
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    /// <summary>Only a spool we created is disposed; the caller's stream stays the caller's.</summary>
    public ValueTask DisposeAsync() => _owned ? Stream.DisposeAsync() : ValueTask.CompletedTask;
}
