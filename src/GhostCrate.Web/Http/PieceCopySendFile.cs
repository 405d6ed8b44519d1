using System.IO.Pipelines;
using GhostCrate.Core.Threading;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GhostCrate.Web.Http;

/// <summary>
/// How GhostCrate sends .crate files (IHttpResponseBodyFeature.SendFileAsync, which Results.File calls with the
/// offset and length it worked out from Range and the conditional headers). Kestrel has no zero-copy sendfile; its
/// SendFileAsync copies through a 16 KB buffer with an asynchronous read per piece (on Linux each one a trip through
/// the thread pool), which cost about twice nginx's CPU per 5 MB download (bench/README.md). This copies in 256 KB
/// pieces, each one positional read on a thread-pool thread (a page-cache hit, or what an asynchronous file read
/// would queue to the pool anyway), and never reads on a socket thread: a write that had to wait for the client
/// resumes there with inline socket completions, so the loop leaves it first (<see cref="IoThreads"/>).
/// Each piece is read straight into the response pipe's own memory, which the socket then sends: one copy of the
/// bytes in user space instead of two (a read into a buffer, then the stream's copy into the pipe): a quarter less
/// CPU per 5 MB download (3.1 -> 2.4 ms in an A/B, bench/README.md, session 9).
/// </summary>
internal static class PieceCopySendFile
{
    public const int PieceBytes = 256 * 1024;

    /// <summary>Makes this response's file sends (Results.File, SendFileAsync) copy in pieces.</summary>
    public static void Use(HttpContext context)
    {
        var inner = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        if (inner is not Feature) context.Features.Set<IHttpResponseBodyFeature>(new Feature(inner));
    }

    private static async Task SendAsync(IHttpResponseBodyFeature response, string path, long offset, long? count, CancellationToken cancellationToken)
    {
        await IoThreads.LeaveAsync();
        // Published files are never rewritten in place; a file replaced or removed meanwhile keeps this handle's bytes.
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        var end = count is { } n ? offset + n : RandomAccess.GetLength(handle);
        // Headers first: before the response has started, the server buffers body writes in memory of its own.
        await response.StartAsync(cancellationToken);
        await IoThreads.LeaveAsync();
        var writer = response.Writer;
        while (offset < end)
        {
            // A piece larger than the server's 4 KB blocks comes from the shared array pool, and goes back to it once sent.
            var size = (int)Math.Min(end - offset, PieceBytes);
            var read = RandomAccess.Read(handle, writer.GetMemory(size).Span[..size], offset);
            if (read == 0) break; // shorter than its stat said: Kestrel then ends the response as incomplete
            writer.Advance(read);
            var flushed = await writer.FlushAsync(cancellationToken);
            await IoThreads.LeaveAsync();
            if (flushed.IsCompleted || flushed.IsCanceled) break; // the client went away: nothing more can be sent
            offset += read;
        }
    }

    /// <summary>The server's own response body, except for SendFileAsync.</summary>
    private sealed class Feature(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
    {
        public Stream Stream => inner.Stream;
        public PipeWriter Writer => inner.Writer;
        public void DisableBuffering() => inner.DisableBuffering();
        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
        public Task CompleteAsync() => inner.CompleteAsync();

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            SendAsync(inner, path, offset, count, cancellationToken);
    }
}
