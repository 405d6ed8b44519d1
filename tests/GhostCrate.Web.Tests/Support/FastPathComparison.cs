using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Support;

/// <summary>What the fast-path tests share: requests, header reading, and a server built without one fast path.</summary>
public static class FastPathComparison
{
    public static HttpRequestMessage Request(HttpMethod method, string path, string? token, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.TryAddWithoutValidation("Authorization", token);
        configure?.Invoke(request);
        return request;
    }

    public static string HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? string.Join(",", values)
            : "";

    /// <summary>Removes the startup filter that installs a fast path, so the endpoint answers everything.</summary>
    public static void Without<TStartupFilter>(IServiceCollection services) where TStartupFilter : IStartupFilter
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IStartupFilter) && d.ImplementationType == typeof(TStartupFilter)).ToList())
        {
            services.Remove(descriptor);
        }
    }

    /// <summary>
    /// Sends the same request to a server with the fast path and to one without it, and asserts the same status, body and
    /// <paramref name="headers"/>. Each server names itself in some answers (config.json's URLs, the challenge's
    /// login_url): its base address is read as BASE on both sides.
    /// </summary>
    public static async Task AssertSameAnswerAsync(TestApp fast, TestApp slow, Func<HttpRequestMessage> make, IReadOnlyList<string> headers)
    {
        using var viaFast = make();
        using var viaSlow = make();
        var description = $"{viaFast.Method} {viaFast.RequestUri} {string.Join(" ", viaFast.Headers.NonValidated.Select(h => $"{h.Key}: {h.Value}"))}";
        using var a = await fast.Client().SendAsync(viaFast);
        using var b = await slow.Client().SendAsync(viaSlow);
        Assert.True(a.StatusCode == b.StatusCode, $"{description}: {a.StatusCode} vs {b.StatusCode}");
        var bodyA = await a.Content.ReadAsByteArrayAsync();
        var bodyB = await b.Content.ReadAsByteArrayAsync();
        if (!bodyA.AsSpan().SequenceEqual(bodyB))
        {
            // Only text names its server. A body that is not UTF-8 (a .crate) must match byte for byte: a lenient decode
            // would turn different invalid bytes into the same U+FFFD and hide the difference.
            var textA = StrictUtf8(bodyA)?.Replace(Base(fast), "BASE");
            var textB = StrictUtf8(bodyB)?.Replace(Base(slow), "BASE");
            Assert.True(textA is not null && textA == textB, $"{description}: body {textA ?? $"({bodyA.Length} bytes, not UTF-8)"} vs {textB ?? $"({bodyB.Length} bytes, not UTF-8)"}");
        }
        foreach (var header in headers)
        {
            var valueA = HeaderValue(a, header).Replace(Base(fast), "BASE");
            var valueB = HeaderValue(b, header).Replace(Base(slow), "BASE");
            Assert.True(valueA == valueB, $"{description}: {header} {valueA} vs {valueB}");
        }
    }

    private static string Base(TestApp app) => app.BaseAddress.ToString().TrimEnd('/');

    private static readonly System.Text.UTF8Encoding Utf8OrThrow = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string? StrictUtf8(byte[] body)
    {
        try
        {
            return Utf8OrThrow.GetString(body);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Runs the download fast path on a request of its own; HandedOn says whether it called the rest of the pipeline.</summary>
    public static async Task<(bool HandedOn, HttpContext Context)> InvokeDownloadFastPathAsync(TestApp app, string method, string path)
    {
        var handedOn = false;
        var middleware = ActivatorUtilities.CreateInstance<GhostCrate.Web.Http.DownloadFastPath>(app.Services, (RequestDelegate)(_ =>
        {
            handedOn = true;
            return Task.CompletedTask;
        }));
        using var scope = app.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        await middleware.InvokeAsync(context);
        return (handedOn, context);
    }
}
