using System.Net;
using GhostCrate.Core.Options;
using GhostCrate.Web.Http;
using GhostCrate.Web.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace GhostCrate.Web.Tests;

/// <summary>Logs:Requests (the JSON format and the redaction are shown end to end in EndToEnd's OperationsTests).</summary>
public class RequestLoggingTests
{
    /// <summary>Off, the filter hands back the very pipeline it was given: the fast paths run with nothing in front.</summary>
    [Fact]
    public void Off_it_adds_nothing_to_the_pipeline()
    {
        Action<IApplicationBuilder> next = _ => { };
        Assert.Same(next, new RequestLoggingStartupFilter(Microsoft.Extensions.Options.Options.Create(new LogOptions())).Configure(next));
        Assert.NotSame(next, new RequestLoggingStartupFilter(Microsoft.Extensions.Options.Options.Create(new LogOptions { Requests = true })).Configure(next));
    }

    [Fact]
    public async Task On_every_request_gets_one_line_the_fast_paths_too_and_off_none()
    {
        foreach (var on in new[] { true, false })
        {
            var logs = new LogCapture();
            await using var app = await TestApp.StartAsync(new() { ["Logs:Requests"] = on ? "true" : "false", ["Logging:LogLevel:Default"] = "Information" }, logs.Register);
            using var http = app.Client();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/index/config.json")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/index/se/rd/serde-none")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live?token=secret-in-query")).StatusCode);
            var lines = logs.Lines.Where(l => l.Contains("GhostCrate.Web.Http.RequestLogMiddleware", StringComparison.Ordinal)).ToList();
            if (!on)
            {
                Assert.Empty(lines);
                continue;
            }
            Assert.Contains(lines, l => l.Contains("Path=/index/config.json", StringComparison.Ordinal) && l.Contains("Status=200", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("Path=/index/se/rd/serde-none", StringComparison.Ordinal) && l.Contains("Status=404", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("Route=/health/live", StringComparison.Ordinal));
            Assert.DoesNotContain("secret-in-query", logs.All);
        }
    }
}
