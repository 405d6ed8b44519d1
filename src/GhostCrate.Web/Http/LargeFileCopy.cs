using System.Buffers;
using GhostCrate.Core.Threading;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Http;

/// <summary>
/// The body of a plain GET of a large .crate file. Kestrel has no zero-copy sendfile; its SendFileAsync copies through
/// a 16 KB buffer with an asynchronous read per piece (on Linux each one a trip through the thread pool), which cost
/// about twice nginx's CPU per 5 MB download (bench/README.md). This copies in 256 KB pieces, each read with one
/// positional read on a thread-pool thread (a page-cache hit, or what an asynchronous file read would queue to the
/// pool anyway), and never reads on a socket thread: a write that had to wait for the client resumes there with inline
/// socket completions, so the loop leaves it first (<see cref="IoThreads"/>).
/// </summary>
internal static class LargeFileCopy
{
    public const int PieceBytes = 256 * 1024;

    public static async Task SendAsync(HttpResponse response, string path, long length, CancellationToken cancellationToken)
    {
        await IoThreads.LeaveAsync();
        // Published files are never rewritten in place; a file replaced or removed meanwhile keeps this handle's bytes.
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(PieceBytes, Math.Max(length, 1)));
        try
        {
            long offset = 0;
            while (offset < length)
            {
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - offset)), offset);
                if (read == 0) break; // shorter than its stat said: Kestrel then ends the response as incomplete
                await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await IoThreads.LeaveAsync();
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
