using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>A server whose webhooks may reach 127.0.0.1 and retry after one second (instead of Standard Webhooks' hours).</summary>
public sealed class WebhookServerFixture : ServerFixture
{
    /// <summary>The settings (also of <see cref="TwoNodeWebhookTests"/>' nodes).</summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["GHOSTCRATE_Webhooks__AllowedCidrs__0"] = "127.0.0.1/32",
        ["GHOSTCRATE_Jobs__PollInterval"] = "00:00:00.200",
        // A delivery in flight when the server is killed is taken again once its lease expires: keep that short.
        ["GHOSTCRATE_Jobs__LeaseDuration"] = "00:00:05",
        ["GHOSTCRATE_Webhooks__Timeout"] = "00:00:03",
        ["GHOSTCRATE_Webhooks__RetrySchedule__0"] = "00:00:01",
        ["GHOSTCRATE_Webhooks__RetrySchedule__1"] = "00:00:01",
        ["GHOSTCRATE_Webhooks__RetrySchedule__2"] = "00:00:01",
        ["GHOSTCRATE_Webhooks__RetrySchedule__3"] = "00:00:01",
    };

    protected override ServerOptions Options => new() { Settings = Settings };
}

/// <summary>Real cargo publish and yank reach a real receiver, signed; deliveries pending when the server is killed arrive after it restarts.</summary>
public sealed class WebhookTests(WebhookServerFixture fixture) : EndToEndTest(fixture), IClassFixture<WebhookServerFixture>
{
    [Fact]
    public async Task Cargo_publish_and_yank_are_delivered_and_a_killed_server_delivers_what_was_pending()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var name = $"hooked-{Ids.New()}";
        var (_, secret) = await receiver.SubscribeAsync(Http, Server.AdminToken, ["crate.published", "crate.yanked"], name, Cancel);

        await Cargo.PublishOkAsync(await Cargo.NewLibAsync(name, "0.1.0"));
        await Cargo.RunOkAsync(Cargo.ProjectsDir, ["yank", "--registry", CargoSandbox.Registry, "--version", "0.1.0", name]);
        // Each event is its own delivery job: they may arrive in either order (no order is promised), so wait for both.
        var first = await receiver.WaitForAsync(r => r.Type == "crate.yanked", "the yank");
        var published = await receiver.WaitForAsync(r => r.Type == "crate.published", "the publish");
        Assert.Single(receiver.Requests, r => r.Type == "crate.published");
        Assert.All(new[] { published, first }, r => Assert.True(r.Verifies(secret), $"signature of {r.Body} does not verify"));
        Assert.Contains($"\"crate\":\"{name}\"", published.Body, StringComparison.Ordinal);

        // The receiver fails from now on; a publish is tried, fails, and waits for its retry when the server is killed.
        receiver.Failing = true;
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync(name, "0.2.0"));
        var failed = await receiver.WaitForAsync(r => r.Type == "crate.published" && r.Body.Contains("0.2.0", StringComparison.Ordinal), "the failing attempt");
        await Server.StopAsync();
        receiver.Failing = false;
        await Server.RestartAsync(Cancel);

        var delivered = await receiver.WaitForAsync(r => r.Id == failed.Id && r.Answered == 200, "the delivery after the restart");
        Assert.True(delivered.Verifies(secret));
        // Every request for this event carried the same webhook-id (the only duplicates are retries of one id).
        Assert.Single(receiver.Requests.Where(r => r.Body.Contains("0.2.0", StringComparison.Ordinal)).Select(r => r.Id).Distinct());
    }
}
