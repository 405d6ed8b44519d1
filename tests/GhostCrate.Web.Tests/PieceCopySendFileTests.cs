using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GhostCrate.Web.Tests;

/// <summary>File sends (Results.File's offset and length, from Range and friends) copied in pieces give exactly those bytes.</summary>
public sealed class PieceCopySendFileTests
{
    [Theory]
    [InlineData(0L, null)]
    [InlineData(0L, 1L)]
    [InlineData(100_000L, 2L * PieceCopySendFile.PieceBytes)] // crosses two piece boundaries
    [InlineData(PieceCopySendFile.PieceBytes - 1L, null)]
    [InlineData(700L * 1024 - 1, 1L)]
    public async Task Sends_exactly_the_asked_range(long offset, long? count)
    {
        var content = new byte[700 * 1024];
        new Random(11).NextBytes(content);
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, content, TestContext.Current.CancellationToken);
            var sent = new MemoryStream();
            var context = new DefaultHttpContext();
            var server = new StreamResponseBodyFeature(sent);
            context.Features.Set<IHttpResponseBodyFeature>(server);

            PieceCopySendFile.Use(context);
            var piecewise = context.Features.Get<IHttpResponseBodyFeature>();
            Assert.NotSame(server, piecewise);
            PieceCopySendFile.Use(context); // a second call keeps the first wrapper, not a wrapper of it
            Assert.Same(piecewise, context.Features.Get<IHttpResponseBodyFeature>());
            await context.Response.SendFileAsync(path, offset, count, TestContext.Current.CancellationToken);

            var expected = content.AsSpan((int)offset, (int)(count ?? content.Length - offset)).ToArray();
            Assert.Equal(expected, sent.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
