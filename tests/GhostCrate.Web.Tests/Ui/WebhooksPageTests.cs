using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Tests.Notifications;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>
/// /admin/webhooks: administrators add an endpoint (the secret is shown once), send a test event, read the delivery
/// log, redeliver and switch the endpoint off, each form post needing the antiforgery field and answering with a
/// redirect; everyone else gets 403.
/// </summary>
public sealed class WebhooksPageTests
{
    private static async Task<IHtmlDocument> PageAsync(WebSession web, string path)
    {
        var response = await web.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts a form of the page as a browser would: its fields, plus <paramref name="fields"/>.</summary>
    private static Task<HttpResponseMessage> SubmitAsync(WebSession web, IHtmlFormElement form, Dictionary<string, string>? fields = null)
    {
        var values = form.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        foreach (var (k, v) in fields ?? []) values[k] = v;
        return web.Http.PostAsync(form.GetAttribute("action")!, new FormUrlEncodedContent(values));
    }

    [Fact]
    public async Task Administrators_manage_endpoints_and_their_deliveries_with_forms_that_redirect()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(new()
        {
            ["Jobs:PollInterval"] = "00:00:00.100",
            ["Webhooks:AllowedCidrs:0"] = "127.0.0.1/32",
        });
        await Users.CreateWithTokenAsync(app, "mallory");
        using var user = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await user.LoginAsync("mallory", "a long enough password")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.GetAsync("/admin/webhooks")).StatusCode);

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var page = await PageAsync(admin, "/admin/webhooks");
        var create = (IHtmlFormElement)page.QuerySelector("form[action*='handler=Create']")!;

        var forged = await admin.Http.PostAsync(create.GetAttribute("action")!, new FormUrlEncodedContent(new Dictionary<string, string> { ["NewEndpoint.Url"] = receiver.Url.ToString() }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var created = await SubmitAsync(admin, create, new() { ["NewEndpoint.Url"] = receiver.Url.ToString(), ["NewEndpoint.Kind"] = "standard", ["NewEndpoint.Events"] = "crate.published" });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var afterCreate = new HtmlParser().ParseDocument(await created.Content.ReadAsStringAsync());
        var secret = afterCreate.GetElementById("webhook-secret")!.TextContent.Trim();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var id = afterCreate.QuerySelector("section[data-deliveries]")!.GetAttribute("data-deliveries")!;
        Assert.DoesNotContain(secret, await admin.Http.GetStringAsync("/admin/webhooks"), StringComparison.Ordinal);

        // Send test event: a redirect back to the endpoint's log (POST-redirect-GET), and a signed delivery arrives.
        var detail = await PageAsync(admin, $"/admin/webhooks?id={id}");
        var tested = await SubmitAsync(admin, (IHtmlFormElement)detail.QuerySelector("form[action*='handler=Test']")!);
        Assert.Equal(HttpStatusCode.Redirect, tested.StatusCode);
        Assert.Equal($"/admin/webhooks?id={id}&done=tested", tested.Headers.Location!.OriginalString);
        var first = (await receiver.WaitForAsync(1))[0];
        Assert.True(WebhookReceiver.VerifyStandard(first, secret));

        IHtmlDocument log;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do log = await PageAsync(admin, $"/admin/webhooks?id={id}");
        while (log.QuerySelector("tr[data-delivery]") is null && DateTime.UtcNow < deadline && await Task.Delay(25).ContinueWith(_ => true));
        var row = log.QuerySelector("tr[data-delivery]")!;
        Assert.Contains("webhook.test", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("ok 200", row.TextContent, StringComparison.Ordinal);

        var redelivered = await SubmitAsync(admin, (IHtmlFormElement)row.QuerySelector("form[action*='handler=Redeliver']")!);
        Assert.Equal(HttpStatusCode.Redirect, redelivered.StatusCode);
        Assert.Equal(first.Id, (await receiver.WaitForAsync(2))[1].Id);

        var toggle = (IHtmlFormElement)(await PageAsync(admin, "/admin/webhooks")).QuerySelector($"tr[data-endpoint='{id}'] form[action*='handler=Enable']")!;
        Assert.Equal(HttpStatusCode.Redirect, (await SubmitAsync(admin, toggle)).StatusCode);
        var list = await PageAsync(admin, "/admin/webhooks");
        Assert.Contains("off", list.QuerySelector($"tr[data-endpoint='{id}']")!.TextContent, StringComparison.Ordinal);

        var audit = await app.Client(TestApp.AdminToken).GetStringAsync("/api/v1/admin/audit?target=webhook:" + id);
        Assert.Contains("webhook.tested", audit, StringComparison.Ordinal);
        Assert.Contains("webhook.redelivered", audit, StringComparison.Ordinal);
        Assert.Contains("webhook.updated", audit, StringComparison.Ordinal);
    }
}
