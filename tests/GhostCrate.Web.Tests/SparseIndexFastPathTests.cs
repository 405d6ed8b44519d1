using System.Net;
using GhostCrate.Core.Index;
using GhostCrate.Web.Http;
using GhostCrate.Web.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests;

/// <summary>
/// SparseIndexFastPath answers index reads before routing: it must answer exactly what the endpoint answers, and hand
/// everything it cannot answer that way to the full pipeline.
/// </summary>
public class SparseIndexFastPathTests
{
    private static readonly string[] ComparedHeaders = ["Cache-Control", "ETag", "Last-Modified", "Content-Type", "Content-Length", "WWW-Authenticate"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Answers_are_the_same_with_and_without_the_fast_path(bool authRequired)
    {
        var settings = new Dictionary<string, string?> { ["Registry:AuthRequired"] = authRequired ? "true" : "false" };
        await using var fast = await TestApp.StartAsync(settings);
        Assert.Equal(HttpStatusCode.OK, (await fast.PublishAsync(CrateFileBuilder.Valid("fastpath", "1.0.0").PublishBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fast.PublishAsync(CrateFileBuilder.Valid("Mixed_Case", "1.0.0").PublishBody())).StatusCode);
        // A second server on the same data directory, without the fast path: the endpoint answers there.
        await using var slow = await TestApp.StartAsync(new(settings) { ["DataDir"] = fast.DataDir }, WithoutFastPath);

        var etag = (await fast.Client(TestApp.AdminToken).GetAsync("/index/fa/st/fastpath")).Headers.ETag!.Tag;
        var lastModified = (await fast.Client(TestApp.AdminToken).GetAsync("/index/fa/st/fastpath")).Content.Headers.LastModified!.Value;
        var requests = new List<Func<HttpRequestMessage>>();
        foreach (var token in new string?[] { null, TestApp.AdminToken, "gcr_wrong_wrong_wrong_wrong_wrong" })
        {
            foreach (var path in new[] { "/index/fa/st/fastpath", "/INDEX/fa/st/fastpath", "/index/mi/xe/mixed_case", "/index/mi/xe/mixed-case", "/index/no/ne/nonexistent", "/index/FA/ST/fastpath", "/index/fa/st/fastpath/", "/index/", "/index/config.json" })
            {
                requests.Add(() => Request(HttpMethod.Get, path, token));
                requests.Add(() => Request(HttpMethod.Head, path, token));
                requests.Add(() => Request(HttpMethod.Post, path, token));
            }
            requests.Add(() => Request(HttpMethod.Get, "/index/fa/st/fastpath", token, r => r.Headers.TryAddWithoutValidation("If-None-Match", etag)));
            requests.Add(() => Request(HttpMethod.Get, "/index/fa/st/fastpath", token, r => r.Headers.TryAddWithoutValidation("If-None-Match", "\"other\", W/" + etag)));
            requests.Add(() => Request(HttpMethod.Get, "/index/fa/st/fastpath", token, r => r.Headers.TryAddWithoutValidation("If-None-Match", "\"other\"")));
            requests.Add(() => Request(HttpMethod.Get, "/index/fa/st/fastpath", token, r => r.Headers.IfModifiedSince = lastModified));
            requests.Add(() => Request(HttpMethod.Get, "/index/fa/st/fastpath", token, r => r.Headers.IfModifiedSince = lastModified.AddSeconds(-1)));
        }

        foreach (var make in requests)
        {
            await FastPathComparison.AssertSameAnswerAsync(fast, slow, make, ComparedHeaders);
        }
    }

    [Fact]
    public async Task Answers_existing_files_itself_and_hands_everything_else_on()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("fastpath", "1.0.0").PublishBody())).StatusCode);
        var file = await app.Services.GetRequiredService<SparseIndexService>().GetAsync("fastpath", CancellationToken.None);

        var (handedOn, context) = await InvokeAsync(app, "GET", "/index/fa/st/fastpath");
        Assert.False(handedOn);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(file!.Content, ((MemoryStream)context.Response.Body).ToArray());
        Assert.Equal(file.ETag, context.Response.Headers.ETag.ToString());

        (handedOn, context) = await InvokeAsync(app, "GET", "/index/fa/st/fastpath", ("If-None-Match", file.ETag));
        Assert.False(handedOn);
        Assert.Equal(StatusCodes.Status304NotModified, context.Response.StatusCode);
        Assert.Equal(0, context.Response.Body.Length);

        foreach (var (method, path) in new[] { ("HEAD", "/index/fa/st/fastpath"), ("GET", "/index/config.json"), ("GET", "/index/no/ne/nonexistent"), ("GET", "/index/FA/ST/fastpath"), ("GET", "/index/"), ("GET", "/api/v1/crates"), ("GET", "/") })
        {
            (handedOn, context) = await InvokeAsync(app, method, path);
            Assert.True(handedOn, $"{method} {path} should go through the pipeline");
            Assert.Equal(0, context.Response.Body.Length);
        }
    }

    [Fact]
    public async Task In_auth_required_mode_only_a_valid_token_is_answered_here()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("fastpath", "1.0.0").PublishBody())).StatusCode);

        Assert.False((await InvokeAsync(app, "GET", "/index/fa/st/fastpath", ("Authorization", TestApp.AdminToken))).HandedOn);
        // Anonymous (perhaps a session cookie) and refused tokens get their answer (a challenge) from the pipeline.
        Assert.True((await InvokeAsync(app, "GET", "/index/fa/st/fastpath")).HandedOn);
        Assert.True((await InvokeAsync(app, "GET", "/index/fa/st/fastpath", ("Authorization", "gcr_wrong_wrong_wrong_wrong_wrong"))).HandedOn);
    }

    private static async Task<(bool HandedOn, HttpContext Context)> InvokeAsync(TestApp app, string method, string path, params (string Name, string Value)[] headers)
    {
        var handedOn = false;
        var middleware = ActivatorUtilities.CreateInstance<SparseIndexFastPath>(app.Services, (RequestDelegate)(_ =>
        {
            handedOn = true;
            return Task.CompletedTask;
        }));
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Request.Method = method;
        context.Request.Path = path;
        foreach (var (name, value) in headers) context.Request.Headers[name] = value;
        context.Response.Body = new MemoryStream();
        await middleware.InvokeAsync(context);
        return (handedOn, context);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? token, Action<HttpRequestMessage>? configure = null) =>
        FastPathComparison.Request(method, path, token, configure);

    private static string HeaderValue(HttpResponseMessage response, string name) => FastPathComparison.HeaderValue(response, name);

    private static void WithoutFastPath(IServiceCollection services) => FastPathComparison.Without<SparseIndexFastPathStartupFilter>(services);
}
