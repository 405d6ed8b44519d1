using System.Net;
using AngleSharp.Html.Parser;
using GhostCrate.Core.Jobs;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>/admin/jobs: administrators see the queue's counts and jobs; others get 403.</summary>
public sealed class JobsPageTests
{
    [Fact]
    public async Task Administrators_see_the_queue_and_a_job_nobody_handles_waits_there()
    {
        await using var app = await TestApp.StartAsync();
        // No handler has this kind, so the job stays pending for the page to show.
        var id = await app.Services.GetRequiredService<IJobRepository>().EnqueueAsync(new NewJob("page.test", "{}"), DateTimeOffset.UtcNow, CancellationToken.None);

        await Users.CreateWithTokenAsync(app, "mallory");
        using var user = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await user.LoginAsync("mallory", "a long enough password")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.GetAsync("/admin/jobs")).StatusCode);

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var response = await admin.Http.GetAsync("/admin/jobs?state=pending");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        var row = page.QuerySelector($"tr[data-job='{id}']");
        Assert.NotNull(row);
        Assert.Contains("page.test", row!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(row.QuerySelector("input[name='__RequestVerificationToken']"));
        Assert.True(long.Parse(page.QuerySelector("td[data-stat='pending']")!.TextContent.Trim()) >= 1);
    }
}
