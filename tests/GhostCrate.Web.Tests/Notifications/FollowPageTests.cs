using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Organizations;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// The Follow / Unfollow buttons of the crate and organization pages and the list on /me/notifications: forms with
/// the antiforgery field that POST to /me/following and redirect back; none for anonymous visitors.
/// </summary>
public sealed class FollowPageTests
{
    private static async Task<IDocument> PageAsync(HttpClient http, string path) =>
        new HtmlParser().ParseDocument(await http.GetStringAsync(path));

    private static List<KeyValuePair<string, string>> Fields(IElement form, string action) =>
        [.. form.QuerySelectorAll("input[type='hidden']").Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value")!)), new("action", action)];

    [Fact]
    public async Task The_buttons_follow_and_unfollow_with_antiforgery_and_the_settings_page_lists_follows()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("follow-page", "1.0.0").PublishBody())).StatusCode);
        var adminUser = (await app.Services.GetRequiredService<IUserRepository>().FindByNameAsync("admin", default))!;
        Assert.True((await app.Services.GetRequiredService<OrganizationService>().CreateAsync(Principal.ForSession(adminUser), "follow-org", default)).IsSuccess);
        Assert.Null((await PageAsync(app.Client(), "/crates/follow-page")).QuerySelector("form[data-follow]"));

        using var session = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await session.LoginAsync("admin", "correct horse battery")).StatusCode);
        var form = (await PageAsync(session.Http, "/crates/follow-page")).QuerySelector("form[data-follow='crate']")!;
        Assert.NotNull(form.QuerySelector("button[data-follow-button]"));
        var forged = await session.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(Fields(form, "follow").Where(f => f.Key != "__RequestVerificationToken")));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var followed = await session.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(Fields(form, "follow")));
        Assert.Equal((HttpStatusCode.Redirect, "/crates/follow-page"), (followed.StatusCode, followed.Headers.Location?.ToString()));
        Assert.NotNull((await PageAsync(session.Http, "/crates/follow-page")).QuerySelector("form[data-follow='crate'] button[data-unfollow]"));

        var orgForm = (await PageAsync(session.Http, "/orgs/follow-org/crates")).QuerySelector("form[data-follow='org']")!;
        Assert.Equal(HttpStatusCode.Redirect, (await session.Http.PostAsync(orgForm.GetAttribute("action"), new FormUrlEncodedContent(Fields(orgForm, "follow")))).StatusCode);

        var settings = await PageAsync(session.Http, "/me/notifications");
        Assert.NotNull(settings.QuerySelector("li[data-followed-org='follow-org']"));
        var unfollow = settings.QuerySelector("li[data-followed-crate='follow-page'] form")!;
        var done = await session.Http.PostAsync(unfollow.GetAttribute("action"), new FormUrlEncodedContent(Fields(unfollow, "unfollow")));
        Assert.Equal((HttpStatusCode.Redirect, "/me/notifications#following"), (done.StatusCode, done.Headers.Location?.ToString()));
        var after = await PageAsync(session.Http, "/me/notifications");
        Assert.Null(after.QuerySelector("li[data-followed-crate='follow-page']"));
        Assert.NotNull(after.QuerySelector("li[data-followed-org='follow-org']"));
    }
}
